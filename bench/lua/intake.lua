-- intake.lua - durable case intake: POST /api/cases, answered after commit.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
-- villages the cases are spread over (bench/run writes the list)
local villages = {}
for line in io.lines(os.getenv("FQ_VILLAGES")) do villages[#villages + 1] = line end
request = function()
  n = n + 1
  local body = string.format(
    '{"title":"压测登记 %d 邻里纠纷","description":"两户之间围墙滴水，多次协商未果，请求调解。",' ..
    '"category":"neighbour","channel":"walk_in","region":"%s",' ..
    '"parties":[{"role":"applicant","name":"测试人","phone":"138%08d"}]}',
    n, villages[(n % #villages) + 1], math.random(0, 99999999))
  return wrk.format(nil, "/api/cases", nil, body)
end
