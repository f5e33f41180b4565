-- common.lua - shared by the wrk scripts: the API token and the case count
-- come from the environment that bench/run sets.
token = os.getenv("FQ_TOKEN")
ncases = tonumber(os.getenv("FQ_CASES") or "1000")
wrk.headers["Authorization"] = "Bearer " .. token
