-- GET /api/v1/vendors/{id}: a vendor drawn at random per request from the ids in API_VENDOR_IDS
-- (one per line).
local c = dofile(os.getenv("API_LUA_DIR") .. "/common.lua")
local ids = {}
setup = c.setup
init = function()
  c.seed()
  for line in io.lines(os.getenv("API_VENDOR_IDS")) do ids[#ids + 1] = line end
end
request = function()
  return wrk.format("GET", "/api/v1/vendors/" .. ids[math.random(#ids)], c.headers())
end
done = c.done
