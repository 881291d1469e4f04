-- GET /api/v1/dispatches/{id}: a dispatch with its per-status counts (what the progress view polls).
local report = dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local path = "/api/v1/dispatches/" .. (os.getenv("LOAD_DISPATCH_ID") or "")
request = function()
  return wrk.format("GET", path, report.headers())
end
done = report.done
