"""Checks llmrouter's Anthropic Messages API with the official Anthropic Python SDK. Run by scripts/e2e-anthropic-sdk.sh.

llmrouter translates /v1/messages to chat completions on OpenAI-compatible fakes: claude-* names reach
e2e-model through routing.model_map (a failing fake tried first, then a healthy one that echoes), and
e2e-limited is a fake that allows one call a minute.
"""
import argparse
import warnings

import anthropic

from sdk_checks import check, finish, results, stats
from fake_payloads import text_of

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="llmrouter's root URL, without /v1 (the SDK adds it)")
parser.add_argument("--failing", required=True)
parser.add_argument("--healthy", required=True)
parser.add_argument("--limited", required=True)
args = parser.parse_args()

# The SDK warns about retired model names such as the one below; the name only has to match model_map.
warnings.filterwarnings("ignore", category=DeprecationWarning)
HAIKU = "claude-3-5-haiku-20241022"
# max_retries=0: a 429 or a failover the router let through must reach the check, not be retried away.
client = anthropic.Anthropic(base_url=args.router, api_key="client-key", max_retries=0, timeout=30)
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
QUESTION = {"role": "user", "content": "What is the weather in Paris?"}


def text(message):
    return "".join(block.text for block in message.content if block.type == "text")


def raises(error_class, call):
    """Runs `call`, which must raise `error_class`; returns the error."""
    try:
        call()
    except error_class as error:
        return error
    raise AssertionError(f"no {error_class.__name__} raised")


def assert_anthropic_error(error, status, error_type):
    # Anthropic's error shape: {"type": "error", "error": {"type": ..., "message": ...}}.
    assert error.status_code == status, error.status_code
    assert isinstance(error.body, dict) and error.body.get("type") == "error", error.body
    assert error.body["error"]["type"] == error_type, error.body
    assert error.body["error"].get("message"), error.body


# MARK: messages


@check("text message through model_map, failover hidden from the client")
def _():
    before = stats(args.failing)["chat_requests"]
    raw = client.messages.with_raw_response.create(
        model=HAIKU, max_tokens=64, messages=[{"role": "user", "content": "hello claude"}]
    )
    message = raw.parse()
    assert message.type == "message" and message.role == "assistant", message
    assert message.content[0].type == "text", message.content
    assert message.content[0].text == "healthy: hello claude", message.content
    assert message.stop_reason == "end_turn", message.stop_reason
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0, message.usage
    assert raw.headers["x-llmrouter-provider"] == "healthy-openai", raw.headers
    assert stats(args.failing)["chat_requests"] > before, "the failing upstream was tried first"
    seen = stats(args.healthy)
    assert seen["last_body"]["model"] == "healthy-upstream-id", seen["last_body"]
    # The upstream gets the provider's key; the client's x-api-key stays with llmrouter.
    assert seen["last_headers"]["authorization"] == "Bearer e2e-healthy-key-0002", seen["last_headers"]
    assert "x-api-key" not in seen["last_headers"], seen["last_headers"]


@check("a claude-* name without haiku is mapped too")
def _():
    message = client.messages.create(
        model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "sonnet here"}]
    )
    assert text(message) == "healthy: sonnet here", message


@check("messages.stream: text_stream and get_final_message")
def _():
    with client.messages.stream(
        model=HAIKU, max_tokens=64, messages=[{"role": "user", "content": "stream me please"}]
    ) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == "healthy: stream me please", pieces
    assert len(pieces) >= 2, pieces
    assert text(final) == "healthy: stream me please", final
    assert final.stop_reason == "end_turn", final.stop_reason


@check("tool use round trip: tool_use, then tool_result")
def _():
    first = client.messages.create(model=HAIKU, max_tokens=256, tools=[WEATHER_TOOL], messages=[QUESTION])
    assert first.stop_reason == "tool_use", first
    uses = [block for block in first.content if block.type == "tool_use"]
    assert len(uses) == 1 and uses[0].name == "get_weather", first.content
    assert uses[0].input == {"city": "Paris"}, uses[0].input
    second = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[
            QUESTION,
            {"role": "assistant", "content": first.content},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "sunny, 21 C"}]},
        ],
    )
    assert second.stop_reason == "end_turn", second
    assert "healthy: tool said sunny, 21 C" in text(second), second
    # Upstream, the tool message answers the assistant's tool call by its id.
    messages = stats(args.healthy)["last_body"]["messages"]
    assert messages[-1]["role"] == "tool" and text_of(messages[-1]["content"]) == "sunny, 21 C", messages
    call_ids = [call["id"] for m in messages if m["role"] == "assistant" for call in m.get("tool_calls") or []]
    assert messages[-1]["tool_call_id"] in call_ids, messages


@check("streamed tool use: the final message has the tool_use block with its input")
def _():
    with client.messages.stream(model=HAIKU, max_tokens=256, tools=[WEATHER_TOOL], messages=[QUESTION]) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use", final
    uses = [block for block in final.content if block.type == "tool_use"]
    assert len(uses) == 1 and uses[0].name == "get_weather", final.content
    assert uses[0].input == {"city": "Paris"}, uses[0].input
    assert uses[0].id, uses[0]


@check("count_tokens: input_tokens > 0, more for a longer message")
def _():
    short = client.messages.count_tokens(model=HAIKU, messages=[{"role": "user", "content": "hi"}])
    long = client.messages.count_tokens(model=HAIKU, messages=[{"role": "user", "content": "hello there " * 100}])
    assert short.input_tokens > 0, short
    assert long.input_tokens > short.input_tokens, (short, long)


# MARK: errors, as the SDK's own exception classes


@check("unknown model is a NotFoundError (404 not_found_error)")
def _():
    # Not claude-*, so no model_map glob rewrites it.
    error = raises(anthropic.NotFoundError, lambda: client.messages.create(
        model="no-such-model", max_tokens=16, messages=[{"role": "user", "content": "x"}]))
    assert_anthropic_error(error, 404, "not_found_error")


@check("max_tokens=0 is a BadRequestError (400 invalid_request_error)")
def _():
    error = raises(anthropic.BadRequestError, lambda: client.messages.create(
        model=HAIKU, max_tokens=0, messages=[{"role": "user", "content": "x"}]))
    assert_anthropic_error(error, 400, "invalid_request_error")


@check("rate-limited model: first call ok, second a RateLimitError with retry-after")
def _():
    message = client.messages.create(model="e2e-limited", max_tokens=16, messages=[{"role": "user", "content": "one"}])
    assert text(message) == "limited: one", message
    error = raises(anthropic.RateLimitError, lambda: client.messages.create(
        model="e2e-limited", max_tokens=16, messages=[{"role": "user", "content": "two"}]))
    assert_anthropic_error(error, 429, "rate_limit_error")
    retry_after = error.response.headers.get("retry-after")
    assert retry_after and float(retry_after) > 0, error.response.headers
    assert stats(args.limited)["rate_limits"]["answered"] == 1, stats(args.limited)


@check("the failing upstream was called, and none of its failures reached the client")
def _():
    seen = stats(args.failing)
    assert seen["chat_requests"] > 0, seen
    assert seen["failures"] == seen["chat_requests"] + seen["embedding_requests"], "it fails every call"
    # An upstream failure passed through would show as a 5xx (or 529) status or a broken connection.
    leaked = [(name, error) for name, error in results if isinstance(error, anthropic.APIConnectionError)
              or (isinstance(error, anthropic.APIStatusError) and error.status_code >= 500)]
    assert not leaked, leaked


finish("anthropic-sdk")
