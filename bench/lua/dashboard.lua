-- dashboard.lua - the province dashboard over all ten years.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
request = function()
  return wrk.format("GET", "/api/stats/dashboard?region=33")
end
