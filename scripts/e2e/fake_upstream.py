#!/usr/bin/env python3
"""A small OpenAI-compatible upstream for the end-to-end scripts (127.0.0.1 only).

It answers POST /v1/chat/completions (JSON, or SSE when "stream": true), POST /v1/embeddings and
GET /v1/models, and fails a share of chat and embedding calls on purpose: --fail-rate picks how many,
--fail-kinds how (500, 503, 429, reset, slow, malformed). With --rate-limit N/W and --dialect it is a
free tier instead: N calls per W seconds per API key (or, with --shared-limit, for all keys together,
as one account with several keys), 429s beyond, rate-limit headers as Groq, OpenRouter or Cerebras send
them (see rate_limits.py; /_stats counts each key's calls under a fingerprint, never the key). GET /_stats reports what it received, so a
script can check which upstream was really called and what body reached it.

Chat answers: after a `tool` message, "<name>: tool said <its content>"; else, when the request has
tools, a call to the first tool (fake_payloads.tool_call); else "<name>: <last user message>". Streams
end with a usage chunk when stream_options.include_usage is set. Embeddings are deterministic per
input text (fake_payloads.embedding_vector), --embedding-dims floats unless the request gives
`dimensions`, base64 float32 when it asks for encoding_format base64; with --embedding-kind words
they are bag-of-words vectors instead, close for paraphrases (for the semantic cache). The answers are built in
fake_payloads.py.
With --reply TEXT every chat answer is TEXT, and a continuation (a request whose messages hold an
assistant message that begins TEXT) gets the rest of it; --cut-after N ends a stream after its N-th
chunk without [DONE] (a broken upstream); --delay-ms waits before the first byte. /_stats also counts
requests per path.
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fake_payloads import chunk, completion, embeddings_answer, text_of, tool_call, tool_call_chunks, usage_chunk
from rate_limits import RateLimitedUpstream


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.chat_requests = 0
        self.embedding_requests = 0
        self.failures = 0
        self.last_body = None
        self.last_headers = {}
        self.paths = {}


def make_handler(args, state, limits):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *_):
            pass

        def send_json(self, status, payload, headers=None):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.endswith("/models"):
                self.send_json(200, {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": args.name} for m in args.models]})
            elif self.path == "/_stats":
                with state.lock:
                    stats = {"chat_requests": state.chat_requests, "embedding_requests": state.embedding_requests,
                             "failures": state.failures, "paths": dict(state.paths),
                             "last_body": state.last_body, "last_headers": state.last_headers}
                if limits:
                    stats["rate_limits"] = limits.stats()
                self.send_json(200, stats)
            else:
                self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            embeddings = self.path.endswith("/embeddings")
            if not embeddings and not self.path.endswith("/chat/completions"):
                self.send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self.send_json(400, {"error": {"message": "bad json", "type": "invalid_request_error"}})
                return
            with state.lock:
                state.paths[self.path] = state.paths.get(self.path, 0) + 1
                if embeddings:
                    state.embedding_requests += 1
                else:
                    state.chat_requests += 1
                state.last_body = body
                state.last_headers = {k.lower(): v for k, v in self.headers.items()}
                fail = random.random() < args.fail_rate
                if fail:
                    state.failures += 1
            caller = "one shared account" if args.shared_limit else self.headers.get("Authorization", "")
            verdict = limits.check(caller) if limits else None
            if verdict and not verdict.allowed:
                headers = limits.headers(verdict)
                self.send_json(429, limits.refusal_body(verdict, headers), headers)
                limits.sent(verdict)
                return
            if fail:
                self.fail(random.choice(args.fail_kinds))
                return
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000)
            headers = limits.headers(verdict) if verdict else {}
            if embeddings:
                self.send_json(200, embeddings_answer(body, args.embedding_dims, args.embedding_kind), headers)
            else:
                self.chat(body, headers)
            if verdict:
                limits.sent(verdict)

        def chat(self, body, headers):
            messages = body.get("messages") or []
            last = messages[-1] if messages else {}
            call = None
            if last.get("role") == "tool":
                content = f"{args.name}: tool said {text_of(last.get('content'))}"
            elif args.reply:
                content = self.reply_rest(messages)
            elif body.get("tools"):
                call = tool_call(body["tools"][0])
                content = None
            else:
                # A plain string content is echoed as is; a list of content parts by its text.
                text = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "")
                content = f"{args.name}: {text if isinstance(text, str) else text_of(text)}"
            model = body.get("model", "unknown")
            if body.get("stream"):
                if call:
                    events = tool_call_chunks(args.name, model, call)
                else:
                    events = self.text_chunks(model, content)
                if (body.get("stream_options") or {}).get("include_usage"):
                    events.append(usage_chunk(args.name, model))
                self.stream(events, headers)
            else:
                self.send_json(200, completion(args.name, model, content, [call] if call else None), headers)

        def reply_rest(self, messages):
            """--reply's text, or for a continuation (the partial answer sent back as an assistant
            message) the part of it not yet sent."""
            partial = next((text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "assistant"), "")
            return args.reply[len(partial):] if partial and args.reply.startswith(partial) else args.reply

        def text_chunks(self, model, content):
            events = [chunk(args.name, model, {"role": "assistant", "content": ""})]
            words = content.split(" ")
            events += [chunk(args.name, model, {"content": w if i == len(words) - 1 else w + " "}) for i, w in enumerate(words)]
            events.append(chunk(args.name, model, {}, "stop"))
            return events

        def stream(self, events, headers):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            for sent, event in enumerate(events):
                if args.cut_after and sent == args.cut_after:
                    self.close_connection = True
                    return
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
                if args.stream_gap_ms:
                    time.sleep(args.stream_gap_ms / 1000)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def fail(self, kind):
            if kind == "reset":
                # Linger 0: close() sends RST instead of FIN, as a crashed upstream would.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
            elif kind == "slow":
                time.sleep(args.slow_seconds)
                self.send_json(200, completion(args.name, "slow", "too late"))
            elif kind == "malformed":
                body = b'{"choices": [ this is not json'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif kind == "429":
                self.send_json(429, {"error": {"message": "Rate limit reached", "type": "tokens", "code": "rate_limit_exceeded"}},
                               {"Retry-After": "1"})
            else:
                self.send_json(int(kind), {"error": {"message": f"upstream {kind}", "type": "server_error"}})

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--name", default="fake")
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--fail-kinds", default="500", help="comma list of 500,503,429,reset,slow,malformed")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--stream-gap-ms", type=int, default=0)
    parser.add_argument("--models", default="fake-model")
    parser.add_argument("--reply", help="answer every chat request with this text (continuations with its rest)")
    parser.add_argument("--cut-after", type=int, default=0, help="end each stream after this many chunks, without [DONE]")
    parser.add_argument("--embedding-dims", type=int, default=8, help="floats per embedding unless the request sets dimensions")
    parser.add_argument("--embedding-kind", choices=["hash", "words"], default="hash",
                        help="hash: a vector per exact text; words: bag-of-words, close for paraphrases")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--rate-limit", help="N/W: N calls per W-second window per API key, 429 beyond")
    parser.add_argument("--dialect", default="groq", help="rate-limit headers: groq, openrouter or cerebras")
    parser.add_argument("--shared-limit", action="store_true", help="all API keys share one --rate-limit window (one account)")
    args = parser.parse_args()
    limits = None
    if args.rate_limit:
        count, _, window = args.rate_limit.partition("/")
        limits = RateLimitedUpstream(int(count), float(window or 60), args.dialect)
    args.fail_kinds = args.fail_kinds.split(",")
    args.models = args.models.split(",")
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args, State(), limits))
    server.daemon_threads = True
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"{args.name} listening on 127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
