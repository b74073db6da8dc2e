-- wrk script: POST deterministic (temperature 0) requests that never repeat: a counter and a
-- per-thread, per-run nonce in the prompt, so every request misses the response cache and its
-- answer is stored (scripts/bench.sh BENCH_ONLY=cache-store).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local prefix, counter = "", 0
function init(args)
    math.randomseed(os.time() * 1000 + (id or 0) * 7919 + math.floor(os.clock() * 1e6))
    prefix = (id or 0) .. "-" .. math.random(1, 2147483647)
end

function request()
    counter = counter + 1
    return wrk.format(nil, nil, nil,
        '{"model":"bench-model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say something short about '
        .. prefix .. "-" .. counter .. '."}],"temperature":0,"max_tokens":64}')
end
