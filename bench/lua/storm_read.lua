-- storm_read.lua - one of the storm's cases (ids FQ_STORM_MIN..MAX, set by
-- bench/run), each with its kept likely duplicates (all of them similar).
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
local lo = tonumber(os.getenv("FQ_STORM_MIN"))
local hi = tonumber(os.getenv("FQ_STORM_MAX"))
request = function()
  return wrk.format("GET", "/api/cases/" .. math.random(lo, hi))
end
