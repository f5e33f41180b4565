-- storm.lua - a storm of similar reports (issue 17): every request is the
-- same case, in one village, with the same caller's phone and the same
-- text, as when many people call about one event. Each intake's duplicate
-- check meets all the earlier ones. bench/run sets the village, the phone
-- and a tag that keeps one run's storm apart from an earlier run's.
dofile(os.getenv("FQ_BENCH_DIR") .. "/lua/common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local tag = os.getenv("FQ_STORM_TAG")
local body = string.format(
  '{"title":"村口变压器起火 %s","description":"村口变压器夜里起火冒烟，附近几十户停电，请尽快派人处理。",' ..
  '"category":"neighbour","channel":"hotline","region":"%s",' ..
  '"parties":[{"role":"applicant","name":"来电群众","phone":"%s"}]}',
  tag, os.getenv("FQ_STORM_VILLAGE"), os.getenv("FQ_STORM_PHONE"))
request = function()
  return wrk.format(nil, "/api/cases", nil, body)
end
