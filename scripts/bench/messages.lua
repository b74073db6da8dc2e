-- wrk script: POST a small Anthropic Messages request (the same conversation as post.lua).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.body = '{"model":"bench-model","system":"You are terse.","messages":[{"role":"user","content":"Say something short."}],"temperature":0.2,"max_tokens":64}'
