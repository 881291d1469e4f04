-- GET /api/v1/dispatches/{id}: one dispatch with its per-status counts (what the progress view polls).
local c = dofile(os.getenv("API_LUA_DIR") .. "/common.lua")
local path = "/api/v1/dispatches/" .. (os.getenv("API_DISPATCH_ID") or "")
setup = c.setup
request = function() return wrk.format("GET", path, c.headers()) end
done = c.done
