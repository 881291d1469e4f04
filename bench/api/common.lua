-- Shared by the wrk scripts of bench/api_bench.sh: the results line of tests/load/report.lua (the
-- bearer token from LOAD_TOKEN), and per-thread numbers for random picks and unique codes.
local report = dofile(os.getenv("LOAD_DIR") .. "/report.lua")
local M = { headers = report.headers, done = report.done }

local threads = 0
-- setup runs in the main state; each thread gets its number.
function M.setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function M.seed()
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

return M
