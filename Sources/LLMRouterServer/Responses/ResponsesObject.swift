import LLMRouterCore

/// The Responses `response` object, shared by the whole-answer rendering and the stream events.
///
/// It carries every member the official SDKs' `Response` model requires (`id`, `created_at`,
/// `model`, `object`, `output`, `parallel_tool_calls`, `tool_choice`, `tools`) and repeats the
/// request's settings the way OpenAI does, with OpenAI's defaults for the ones not sent.
enum ResponsesObject {
    enum Status: String {
        case inProgress = "in_progress"
        case completed
        case incomplete
        case failed
    }

    /// - Parameter upstreamModel: the model the upstream reported, shown when the request named none.
    static func make(
        request: ResponsesRequest,
        id: String,
        createdAt: Int,
        status: Status,
        output: [JSONValue],
        usage: JSONValue = .null,
        incompleteReason: String? = nil,
        error: JSONValue = .null,
        upstreamModel: String? = nil
    ) -> JSONValue {
        let settings = request.echoedSettings
        var object: [String: JSONValue] = [
            "id": .string(id),
            "object": .string("response"),
            "created_at": .integer(Int64(createdAt)),
            "status": .string(status.rawValue),
            "background": .bool(false),
            "error": error,
            "incomplete_details": incompleteReason.map { JSONValue.object(["reason": .string($0)]) } ?? .null,
            "instructions": request.instructions.map(JSONValue.string) ?? .null,
            "max_output_tokens": settings["max_output_tokens"] ?? .null,
            "max_tool_calls": .null,
            // The name the client asked for; the upstream's own name only when it asked for none.
            "model": .string(request.model ?? upstreamModel ?? ""),
            "output": .array(output),
            "parallel_tool_calls": settings["parallel_tool_calls"] ?? .bool(true),
            "previous_response_id": request.previousResponseID.map(JSONValue.string) ?? .null,
            "reasoning": .object(["effort": .null, "summary": .null]),
            "service_tier": .string("default"),
            "store": .bool(request.store),
            "temperature": settings["temperature"] ?? .number(1),
            "text": settings["text"] ?? .object(["format": .object(["type": .string("text")])]),
            "tool_choice": settings["tool_choice"] ?? .string("auto"),
            "tools": settings["tools"] ?? .array([]),
            "top_p": settings["top_p"] ?? .number(1),
            "truncation": .string("disabled"),
            "usage": usage,
            "user": settings["user"] ?? .null,
            "metadata": settings["metadata"] ?? .object([:]),
        ]
        if status == .completed || status == .incomplete {
            object["completed_at"] = .integer(Int64(createdAt))
        } else {
            object["completed_at"] = .null
        }
        return .object(object)
    }

    /// The Responses `usage` for a chat `usage` object (`nil` or not an object gives `null`).
    static func usage(fromChat chatUsage: JSONValue?) -> JSONValue {
        guard let chatUsage, case .object = chatUsage else { return .null }
        let input = chatUsage[member: "prompt_tokens"]?.intValue ?? 0
        let output = chatUsage[member: "completion_tokens"]?.intValue ?? 0
        let total = chatUsage[member: "total_tokens"]?.intValue ?? input + output
        let cached = chatUsage[member: "prompt_tokens_details"]?[member: "cached_tokens"]?.intValue ?? 0
        let reasoning = chatUsage[member: "completion_tokens_details"]?[member: "reasoning_tokens"]?.intValue ?? 0
        return .object([
            "input_tokens": .integer(Int64(input)),
            "input_tokens_details": .object(["cached_tokens": .integer(Int64(cached))]),
            "output_tokens": .integer(Int64(output)),
            "output_tokens_details": .object(["reasoning_tokens": .integer(Int64(reasoning))]),
            "total_tokens": .integer(Int64(total)),
        ])
    }

    /// The chat usage of a completion or chunk, found where the provider's `location` says
    /// (`usage`, or a vendor's own place).
    static func chatUsage(in object: [String: JSONValue], location: UsageLocation) -> JSONValue? {
        location.usage(in: object).map(JSONValue.object)
    }

    /// Why a response stopped early, for `incomplete_details.reason`; `nil` when it completed.
    static func incompleteReason(finishReason: String?) -> String? {
        switch finishReason {
        case "length"?: "max_output_tokens"
        case "content_filter"?: "content_filter"
        default: nil
        }
    }

    /// The suffix of a response id (`resp_abc` → `abc`) that names its items: `msg_abc`, `fc_abc_0`.
    /// Deriving item ids from the response id keeps them unique without another random source.
    static func itemSuffix(responseID: String) -> String {
        responseID.hasPrefix("resp_") ? String(responseID.dropFirst(5)) : responseID
    }

    static func messageItem(id: String, text: String, status: Status) -> JSONValue {
        .object([
            "type": .string("message"),
            "id": .string(id),
            "status": .string(status.rawValue),
            "role": .string("assistant"),
            "content": status == .inProgress ? .array([]) : .array([outputTextPart(text)]),
        ])
    }

    static func outputTextPart(_ text: String) -> JSONValue {
        .object([
            "type": .string("output_text"),
            "text": .string(text),
            "annotations": .array([]),
            "logprobs": .array([]),
        ])
    }

    static func functionCallItem(id: String, callID: String, name: String, arguments: String, status: Status) -> JSONValue {
        .object([
            "type": .string("function_call"),
            "id": .string(id),
            "call_id": .string(callID),
            "name": .string(name),
            "arguments": .string(arguments),
            "status": .string(status.rawValue),
        ])
    }

    /// The assistant chat message a later turn replays: its text and its tool calls.
    static func answerMessage(text: String?, toolCalls: [(callID: String, name: String, arguments: String)]) -> JSONValue {
        var message: [String: JSONValue] = [
            "role": .string("assistant"),
            "content": text.map(JSONValue.string) ?? .null,
        ]
        if !toolCalls.isEmpty {
            message["tool_calls"] = .array(toolCalls.map { call in
                JSONValue.object([
                    "id": .string(call.callID),
                    "type": .string("function"),
                    "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)]),
                ])
            })
        }
        return .object(message)
    }
}
