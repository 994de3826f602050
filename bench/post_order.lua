-- wrk script: each request posts one pending order (one person) with a unique Idempotency-Key.
-- Environment: BENCH_TOKEN, BENCH_SLOT, BENCH_TYPE.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = os.getenv("BENCH_TOKEN")
  body = string.format(
    '{"slot_id": %s, "items": [{"ticket_type_id": %s, "quantity": 1}], '
    .. '"email": "bench@example.com", "name": "Bench Buyer", "locale": "en"}',
    os.getenv("BENCH_SLOT"), os.getenv("BENCH_TYPE"))
  statuses = {}
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("wrk-%d-%d-%d", tid, counter, math.random(1, 1000000000)),
  }
  return wrk.format("POST", "/api/v1/orders", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.1f p99_ms=%.1f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
