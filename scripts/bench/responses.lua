-- wrk script: POST a small Responses request (the same conversation as post.lua), kept out of
-- the response store so the run measures translation, not memory growth.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-model","instructions":"You are terse.","input":"Say something short.","temperature":0.2,"max_output_tokens":64,"store":false}'
