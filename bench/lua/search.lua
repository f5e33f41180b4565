-- search.lua - full-text search for two-character Chinese words, province-wide.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
local words = { "%E6%BB%B4%E6%B0%B4", "%E6%AC%A0%E8%96%AA", "%E5%9B%B4%E5%A2%99", "%E5%B7%A5%E8%B5%84" } -- 滴水 欠薪 围墙 工资
request = function()
  return wrk.format("GET", "/api/cases?q=" .. words[math.random(1, #words)] .. "&page_size=20")
end
