-- list.lua - a filtered list: a township's open cases in one category.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
local cats = { "neighbour", "labour", "contract", "marriage_family", "housing_land" }
request = function()
  local c = cats[math.random(1, #cats)]
  return wrk.format("GET", "/api/cases?region=330681109&category=" .. c .. "&open=true&page_size=20")
end
