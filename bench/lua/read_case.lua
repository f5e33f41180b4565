-- read_case.lua - one case with its deadlines, timeline-derived state and duplicates.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
request = function()
  return wrk.format("GET", "/api/cases/" .. math.random(1, ncases))
end
