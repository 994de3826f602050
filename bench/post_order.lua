-- wrk script: each request posts one pending order (one person) with a unique Idempotency-Key.
-- Environment: BENCH_TOKEN, BENCH_SLOT, BENCH_TYPE.
dofile("bench/report.lua")
local counter = 0
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
