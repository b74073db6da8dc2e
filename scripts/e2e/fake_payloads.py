"""The answers fake_upstream.py sends, as plain functions (stdlib only).

They live apart from the HTTP server so that the SDK checks can import them and compute what
the fake must have answered (for example the embedding vector of "hello") instead of hard-coding it.
"""
import base64
import hashlib
import json
import math
import random
import re
import struct
import time

# Argument values for a tool call, by JSON-schema type of the parameter. Any other type is left out.
TOOL_ARGUMENT_VALUES = {"string": "Paris", "number": 1, "integer": 1, "boolean": True}


# MARK: chat completions

def completion(name, model, content, tool_calls=None):
    """A non-streamed chat completion: text `content`, or `tool_calls` (then content is null)."""
    message = {"role": "assistant", "content": None if tool_calls else content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": f"chatcmpl-{name}-{random.randrange(1 << 32):x}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop",
                     "logprobs": None}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6},
    }


def chunk(name, model, delta, finish=None):
    return {
        "id": f"chatcmpl-{name}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def usage_chunk(name, model):
    """The extra last chunk OpenAI sends when the request asked for stream_options.include_usage."""
    return {
        "id": f"chatcmpl-{name}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6},
    }


def text_of(content):
    """A message's text whether its content is a string or a list of content parts (None -> "")."""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def tool_call(tool):
    """The call the fake makes to `tool` (an OpenAI chat tool): every parameter gets a fixed value."""
    function = tool.get("function") or tool  # tolerate a flat {"name", "parameters"} tool too
    properties = (function.get("parameters") or {}).get("properties") or {}
    arguments = {key: TOOL_ARGUMENT_VALUES[schema.get("type")] for key, schema in properties.items()
                 if isinstance(schema, dict) and schema.get("type") in TOOL_ARGUMENT_VALUES}
    return {"id": f"call_{random.randrange(1 << 48):012x}", "type": "function",
            "function": {"name": function.get("name", "unknown"), "arguments": json.dumps(arguments)}}


def tool_call_chunks(name, model, call):
    """A streamed tool call as Groq sends it: role, then id/name with empty arguments, then argument
    fragments that carry only the index, then the finish reason."""
    arguments = call["function"]["arguments"]
    head = {"index": 0, "id": call["id"], "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""}}
    events = [chunk(name, model, {"role": "assistant", "content": None}),
              chunk(name, model, {"tool_calls": [head]})]
    step = max(1, -(-len(arguments) // 3))  # three fragments (fewer when the arguments are tiny)
    for start in range(0, len(arguments), step):
        fragment = {"index": 0, "function": {"arguments": arguments[start:start + step]}}
        events.append(chunk(name, model, {"tool_calls": [fragment]}))
    events.append(chunk(name, model, {}, "tool_calls"))
    return events


# MARK: embeddings

def embedding_input_text(item):
    """The text an input item stands for: a string, or a token array written as its numbers."""
    return item if isinstance(item, str) else " ".join(str(token) for token in item)


def embedding_inputs(value):
    """A request's `input` as a list of items: one string, a list of strings, one token array or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(token, int) for token in value):
        return [value]
    return list(value or [])


def embedding_vector(text, dims=8):
    """The fake's embedding of `text`: `dims` floats in [-1, 1) derived from SHA-256, so the same text
    always gets the same vector. Each is a multiple of 1/128, exact in float32 and in short decimal,
    so it survives base64 float32 encoding and any JSON re-serialization unchanged."""
    digest = b""
    counter = 0
    while len(digest) < dims:
        digest += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return [(byte - 128) / 128 for byte in digest[:dims]]


def words_embedding_vector(text, dims=8):
    """A bag-of-words embedding of `text`, unit length: each lower-cased word adds ±1 to a slot
    picked by its SHA-256, so the same words in another order or case give the same vector and
    a question with one word more or less stays close (cosine √(n/(n+1)) for n shared words),
    while questions with different content words are far apart: the paraphrases a semantic
    cache should catch, with no model. A text with no words is one fixed unit vector."""
    vector = [0.0] * dims
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        digest = hashlib.sha256(word.encode()).digest()
        vector[int.from_bytes(digest[:4], "little") % dims] += 1.0 if digest[4] & 1 else -1.0
    length = math.sqrt(sum(value * value for value in vector))
    if length == 0:
        return [1.0] + [0.0] * (dims - 1)
    return [value / length for value in vector]


EMBEDDINGS = {"hash": embedding_vector, "words": words_embedding_vector}


def encode_base64(vector):
    """OpenAI's encoding_format=base64: the little-endian float32 bytes, base64-encoded."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def decode_base64(text):
    data = base64.b64decode(text)
    return list(struct.unpack(f"<{len(data) // 4}f", data))


def embeddings_answer(body, default_dims, kind="hash"):
    """The answer to an embeddings request `body`, honouring `dimensions` and `encoding_format`;
    `kind` names the vectors: "hash" (embedding_vector) or "words" (words_embedding_vector)."""
    dims = body.get("dimensions") or default_dims
    items = embedding_inputs(body.get("input"))
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    tokens = 0
    for index, item in enumerate(items):
        vector = EMBEDDINGS[kind](embedding_input_text(item), dims)
        tokens += len(item) if isinstance(item, list) else max(1, len(item.split()))
        data.append({"object": "embedding", "index": index,
                     "embedding": encode_base64(vector) if as_base64 else vector})
    return {"object": "list", "data": data, "model": body.get("model", "unknown"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
