"""Checks llmrouter with the official OpenAI Python SDK. Run by scripts/e2e-openai-sdk.sh."""
import argparse
import json
import sys
import urllib.request

import openai
from openai import OpenAI

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True)
parser.add_argument("--failing", required=True)
parser.add_argument("--healthy", required=True)
args = parser.parse_args()

client = OpenAI(base_url=args.router, api_key="client-key-is-not-forwarded", max_retries=0, timeout=30)
results = []


def check(name):
    def run(function):
        try:
            function()
            results.append((name, None))
            print(f"ok   {name}")
        except Exception as error:  # noqa: BLE001 - report every failure and go on
            results.append((name, error))
            print(f"FAIL {name}: {type(error).__name__}: {error}")
        return function
    return run


def stats(base):
    with urllib.request.urlopen(base + "/_stats", timeout=5) as response:
        return json.load(response)


@check("non-streaming completion, failover hidden from the client")
def _():
    before = stats(args.failing)["chat_requests"]
    raw = client.chat.completions.with_raw_response.create(
        model="e2e-model", messages=[{"role": "user", "content": "hello sdk"}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "healthy: hello sdk", completion
    assert completion.choices[0].finish_reason == "stop"
    assert raw.headers["x-llmrouter-provider"] == "healthy-openai", raw.headers
    assert raw.headers["x-llmrouter-attempts"] == "2", raw.headers
    assert stats(args.failing)["chat_requests"] == before + 1, "the failing upstream was tried first"


@check("streaming completion read chunk by chunk")
def _():
    stream = client.chat.completions.create(
        model="e2e", messages=[{"role": "user", "content": "stream me please"}], stream=True
    )
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]
    assert "".join(pieces) == "healthy: stream me please", pieces
    assert len(pieces) >= 4, pieces


@check("models.list shows the canonical model")
def _():
    ids = [model.id for model in client.models.list()]
    assert "e2e-model" in ids, ids
    assert "auto" in ids, ids


@check("unknown model is a NotFoundError (404 model_not_found)")
def _():
    try:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    except openai.NotFoundError as error:
        assert error.status_code == 404
        assert error.code == "model_not_found", error.body
        return
    raise AssertionError("no error raised")


@check("empty messages is a BadRequestError (400)")
def _():
    try:
        client.chat.completions.create(model="e2e-model", messages=[])
    except openai.BadRequestError as error:
        assert error.status_code == 400
        assert error.body["param"] == "messages", error.body
        return
    raise AssertionError("no error raised")


@check("request fields pass through; model and key are the provider's")
def _():
    client.chat.completions.create(
        model="e2e-model",
        messages=[{"role": "user", "content": "tools"}],
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}}}],
        tool_choice="auto",
        temperature=0.25,
        seed=42,
        max_tokens=50,
        response_format={"type": "text"},
        extra_body={"x_custom_field": {"keep": [1, 2, 3]}},
    )
    seen = stats(args.healthy)
    body, headers = seen["last_body"], seen["last_headers"]
    assert body["model"] == "healthy-upstream-id", body
    assert body["tools"][0]["function"]["name"] == "lookup", body
    assert body["tool_choice"] == "auto" and body["temperature"] == 0.25 and body["seed"] == 42, body
    assert body["max_tokens"] == 50 and body["response_format"] == {"type": "text"}, body
    assert body["x_custom_field"] == {"keep": [1, 2, 3]}, body
    assert headers["authorization"] == "Bearer e2e-healthy-key-0002", "the provider's key, not the client's"
    assert headers["x-title"] == "llmrouter-e2e", headers


failed = [name for name, error in results if error]
print(f"openai-sdk: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
