-- GET /api/v1/inbox: the first page of the tenant's received messages.
local c = dofile(os.getenv("API_LUA_DIR") .. "/common.lua")
setup = c.setup
request = function() return wrk.format("GET", "/api/v1/inbox", c.headers()) end
done = c.done
