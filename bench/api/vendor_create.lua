-- POST /api/v1/vendors: a new vendor with two contacts per request. Codes are unique per run
-- (API_RUN_TAG), thread and request.
local c = dofile(os.getenv("API_LUA_DIR") .. "/common.lua")
local counter = 0
local tag
setup = c.setup
init = function() tag = (os.getenv("API_RUN_TAG") or "r") .. "-" .. (thread_number or 0) end
request = function()
  counter = counter + 1
  local n = tag .. "-" .. counter
  local body = string.format(
    '{"name":"Bench vendor %s","code":"B%s","category":"bench","notes":"created by the API benchmark",' ..
    '"contacts":[{"name":"Accounts %s","email":"ap@b%s.bench.example","role":"ap","primary":true},' ..
    '{"name":"Orders %s","email":"orders@b%s.bench.example","role":"ops"}]}',
    n, n, n, n, n, n)
  return wrk.format("POST", "/api/v1/vendors", c.headers({ ["Content-Type"] = "application/json" }), body)
end
done = c.done
