-- wrk script: POST post.lua's request with temperature 0, so the response cache keeps its answer
-- (scripts/bench.sh asks it once before the run: every request of the run is a hit).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say something short."}],"temperature":0,"max_tokens":64}'
