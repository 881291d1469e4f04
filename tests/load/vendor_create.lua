-- POST /api/v1/vendors: a new vendor with one contact per request (unique code per thread and request).
local report = dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
setup = function(thread) thread:set("tag", tostring(math.random(1, 1e9))) end
init = function() thread_tag = tag or thread_tag end
request = function()
  counter = counter + 1
  local n = thread_tag .. "-" .. counter
  local body = string.format(
    '{"name":"Load vendor %s","code":"L%s","category":"load","contacts":[{"name":"Contact %s","email":"ap@l%s.load.example","role":"ap"}]}',
    n, n, n, n)
  return wrk.format("POST", "/api/v1/vendors", report.headers({ ["Content-Type"] = "application/json" }), body)
end
done = report.done
