-- levels.lua - the three headline rates for the province.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
request = function()
  return wrk.format("GET", "/api/stats/levels?region=33")
end
