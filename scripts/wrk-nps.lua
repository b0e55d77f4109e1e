-- wrk script for scripts/bench-nps.sh: each request posts one new NPS answer (a reference never
-- sent before) to /api/v1/nps-responses with the token in PACTA_TOKEN, naming the touchpoints
-- TP-0…TP-999 and transaction types that `pacta bench nps` registers (with a support map, so that
-- detractors who comment open follow-ups).
math.randomseed(os.time())
local token = os.getenv("PACTA_TOKEN")
local channels = { "branch", "atm", "contact_center", "digital", "correspondent" }
local transactions = { "deposito", "retiro", "transferencia", "pago", "credito", "tarjeta", "reclamo", "apertura" }
local threads = {}
local counter = 0

function setup(thread)
    thread:set("prefix", "W-" .. os.time() .. "-" .. #threads .. "-" .. math.random(1000000000))
    table.insert(threads, thread)
end

function request()
    counter = counter + 1
    local index = math.random(0, 999)
    -- One answer in twenty carries a comment, as `pacta bench nps` sends them.
    local comment = math.random(0, 19) == 0 and ',"comment":"Tardaron en atenderme"' or ""
    local body = string.format(
        '{"external_ref":"%s-%d","answered_at":"%s","channel":"%s","touchpoint":"TP-%d","transaction":"%s","score":%d%s}',
        prefix, counter, os.date("!%Y-%m-%dT%H:%M:%SZ"), channels[index % 5 + 1], index,
        transactions[math.random(1, #transactions)], math.random(0, 10), comment)
    return wrk.format("POST", "/api/v1/nps-responses",
        { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function done(summary, latency, requests)
    io.write(string.format("wrk: %d responses (%d not 2xx) in %.1f s: %.0f answers/s, p50 %.1f ms, p99 %.1f ms\n",
        summary.requests, summary.errors.status, summary.duration / 1e6,
        (summary.requests - summary.errors.status) / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
    io.write(string.format("acknowledged=%d\n", summary.requests - summary.errors.status))
end
