-- GET /api/v1/vendors?limit=50: the first page of the tenant's vendors.
local c = dofile(os.getenv("API_LUA_DIR") .. "/common.lua")
setup = c.setup
request = function() return wrk.format("GET", "/api/v1/vendors?limit=50", c.headers()) end
done = c.done
