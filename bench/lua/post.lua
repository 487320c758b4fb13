-- wrk script for bench/run.sh: POSTs BENCH_BODY to the path given on the wrk command line, with the bearer token
-- BENCH_TOKEN (when set), and prints one machine-readable RESULT line at the end.
-- With BENCH_UNIQUE_USER=1 every request carries its own "user", so each one creates a stored session.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local unique = os.getenv("BENCH_UNIQUE_USER") == "1"
local counter = 0
local prefix = tostring(math.random(1, 1000000000))

function setup(thread)
  thread:set("id", tostring(math.random(1, 1000000000)))
end

function request()
  if not unique then
    return wrk.format()
  end
  counter = counter + 1
  local body = string.gsub(wrk.body, '"messages"', '"user":"u' .. (id or prefix) .. "-" .. counter .. '","messages"', 1)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
