-- GET /api/v1/vendors?limit=50: the first page of the tenant's vendors.
local report = dofile(os.getenv("LOAD_DIR") .. "/report.lua")
request = function()
  return wrk.format("GET", "/api/v1/vendors?limit=50", report.headers())
end
done = report.done
