-- Shared by the wrk scripts: the bearer token from the environment, and one JSON line of results
-- (requests/s, p50/p90/p99 latency in ms, errors: socket errors plus non-2xx answers).
local M = {}

function M.headers(extra)
  local h = { ["Authorization"] = "Bearer " .. (os.getenv("LOAD_TOKEN") or "") }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

function M.done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx": %d, "timeouts": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000, errors, e.status, e.timeout))
end

return M
