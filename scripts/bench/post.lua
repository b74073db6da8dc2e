-- wrk script: POST a small chat-completions request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench-model","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say something short."}],"temperature":0.2,"max_tokens":64}'
