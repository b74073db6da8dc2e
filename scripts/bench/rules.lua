-- wrk script: the small chat-completions request of post.lua with the headers a team's client
-- sends and model auto, for BENCH_ONLY=rules (the rules' header conditions look them up).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "OpenAI/Python 1.99.0"
wrk.headers["X-Team"] = "web"
wrk.body = '{"model":"auto","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say something short."}],"temperature":0.2,"max_tokens":64}'
