"""Checks llmrouter with the official OpenAI Python SDK. Run by scripts/e2e-openai-sdk.sh.

Chat completions, embeddings (model e2e-embed) and the Responses API (translated to chat on the
upstream), each behind a failing fake upstream tried first and a healthy one.
"""
import argparse
import json

import openai
from openai import OpenAI

# Next to this file: what the fake upstream answers, to compute the expected embeddings.
from sdk_checks import check, finish, stats
from fake_payloads import embedding_vector, text_of

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True)
parser.add_argument("--failing", required=True)
parser.add_argument("--healthy", required=True)
parser.add_argument("--embedding-dims", type=int, default=8, help="the fakes' --embedding-dims")
args = parser.parse_args()

client = OpenAI(base_url=args.router, api_key="client-key-is-not-forwarded", max_retries=0, timeout=30)


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


# MARK: embeddings


def as_floats(vector):
    # The SDK decodes base64 to a list, or to a numpy array when numpy is installed.
    return [float(x) for x in vector]


@check("embeddings, SDK default base64: the fake's vector for the text, failover hidden")
def _():
    before = stats(args.failing)["embedding_requests"]
    raw = client.embeddings.with_raw_response.create(model="e2e-embed", input="hello")
    result = raw.parse()
    assert len(result.data) == 1, result
    vector = as_floats(result.data[0].embedding)
    assert len(vector) == args.embedding_dims, vector
    assert vector == embedding_vector("hello", args.embedding_dims), vector
    assert raw.headers["x-llmrouter-provider"] == "healthy-embed", raw.headers
    assert stats(args.failing)["embedding_requests"] > before, "the failing embeddings upstream was tried first"
    body = stats(args.healthy)["last_body"]
    assert body["encoding_format"] == "base64" and body["model"] == "healthy-embed-id", body


@check("embeddings, encoding_format float, two inputs in order")
def _():
    before = stats(args.failing)["embedding_requests"]
    texts = ["first text", "second text"]
    result = client.embeddings.create(model="e2e-embed", input=texts, encoding_format="float")
    assert [item.index for item in result.data] == [0, 1], result
    for item, text in zip(result.data, texts):
        assert as_floats(item.embedding) == embedding_vector(text, args.embedding_dims), (text, item.embedding)
    assert result.usage.prompt_tokens > 0, result.usage
    assert stats(args.healthy)["last_body"]["encoding_format"] == "float"
    assert stats(args.failing)["embedding_requests"] > before, "the failing embeddings upstream was tried first"


def refused_without_upstream_call(call, kind):
    """`call` must raise BadRequestError naming `kind`, and no upstream may have been called."""
    before = [stats(base) for base in (args.failing, args.healthy)]
    try:
        call()
    except openai.BadRequestError as error:
        assert error.status_code == 400
        assert kind in str(error.message).lower(), error.body
        after = [stats(base) for base in (args.failing, args.healthy)]
        for old, new in zip(before, after):
            counts = ("chat_requests", "embedding_requests")
            assert [old[c] for c in counts] == [new[c] for c in counts], "a refused request reached an upstream"
        return
    raise AssertionError("no error raised")


@check("embeddings with a chat model is a BadRequestError naming its kind")
def _():
    refused_without_upstream_call(lambda: client.embeddings.create(model="e2e-model", input="x"), "chat")


@check("chat completion with an embeddings model is a BadRequestError naming its kind")
def _():
    refused_without_upstream_call(
        lambda: client.chat.completions.create(model="e2e-embed", messages=[{"role": "user", "content": "x"}]),
        "embedding")


# MARK: Responses API


@check("responses.create, then a second turn with previous_response_id")
def _():
    raw = client.responses.with_raw_response.create(model="e2e-model", input="hi")
    first = raw.parse()
    assert "healthy: hi" in first.output_text, first
    assert raw.headers["x-llmrouter-provider"] == "healthy-openai", raw.headers
    second = client.responses.create(model="e2e-model", input="and again", previous_response_id=first.id)
    assert "healthy: and again" in second.output_text, second
    assert second.id != first.id, second.id
    # The upstream got the whole conversation: the first turn, its answer, then the new input.
    messages = [(m["role"], text_of(m.get("content"))) for m in stats(args.healthy)["last_body"]["messages"]]
    assert ("user", "hi") in messages and ("assistant", "healthy: hi") in messages, messages
    assert messages[-1] == ("user", "and again"), messages
    assert messages.index(("user", "hi")) < messages.index(("assistant", "healthy: hi")), messages


@check("responses.stream: text deltas and the final response")
def _():
    with client.responses.stream(model="e2e-model", input="stream this please") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == "healthy: stream this please", deltas
    assert len(deltas) >= 2, deltas
    assert final.status == "completed", final
    assert final.output_text == "healthy: stream this please", final


WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@check("responses function call round trip: function_call, then function_call_output")
def _():
    first = client.responses.create(model="e2e-model", input="What is the weather in Paris?", tools=[WEATHER_TOOL])
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1, first.output
    assert calls[0].name == "get_weather", calls[0]
    assert json.loads(calls[0].arguments) == {"city": "Paris"}, calls[0].arguments
    second = client.responses.create(
        model="e2e-model",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": calls[0].call_id, "output": "sunny, 21 C"}],
        tools=[WEATHER_TOOL],
    )
    assert "healthy: tool said sunny, 21 C" in second.output_text, second
    # Upstream, the tool message answers the assistant's tool call by its id.
    messages = stats(args.healthy)["last_body"]["messages"]
    assert messages[-1]["role"] == "tool", messages
    call_ids = [call["id"] for m in messages if m["role"] == "assistant" for call in m.get("tool_calls") or []]
    assert messages[-1]["tool_call_id"] in call_ids, messages


finish("openai-sdk")
