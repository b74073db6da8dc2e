import LLMRouterCore

/// Translates a non-streamed OpenAI `chat.completion` into an Anthropic `message`.
enum AnthropicAnswerTranslation {
    /// The Anthropic `message` JSON for an upstream chat-completion body.
    ///
    /// Content comes out in the order Claude answers in: a `thinking` block (from `reasoning`,
    /// `reasoning_content` or Mistral's thinking parts), then the `text` (omitted when empty),
    /// then one `tool_use` block per tool call.
    /// - Parameter model: the model name the client asked for, echoed back.
    /// - Throws: ``UpstreamFailure`` `.badResponse` when the body is not a chat completion or a
    ///   tool call's arguments are not a JSON object, so the router fails over to another route.
    static func message(
        fromChatCompletion body: some Collection<UInt8>,
        model: String,
        usageLocation: UsageLocation = .standard
    ) throws(UpstreamFailure) -> [UInt8] {
        let completion = try AnthropicJSON.upstreamObject(body, what: "chat completion")
        guard let choice = completion["choices"]?.arrayValue?.first?.objectValue,
            let message = choice["message"]?.objectValue
        else {
            throw UpstreamFailure(kind: .badResponse, message: "the upstream chat completion has no choices[0].message")
        }
        let (text, inlineThinking) = AnthropicJSON.textAndThinking(of: message["content"])
        let reasoning = AnthropicJSON.reasoning(of: message)
        let thinking = reasoning.isEmpty ? inlineThinking : reasoning
        var content: [JSONValue] = []
        if !thinking.isEmpty {
            // Upstreams sign nothing; an empty signature keeps the block's Anthropic shape.
            content.append(.object(["type": .string("thinking"), "thinking": .string(thinking), "signature": .string("")]))
        }
        if !text.isEmpty {
            content.append(.object(["type": .string("text"), "text": .string(text)]))
        }
        var calls = message["tool_calls"]?.arrayValue ?? []
        if let legacy = message["function_call"], legacy != .null {
            calls.append(.object(["function": legacy]))
        }
        for (index, call) in calls.enumerated() {
            content.append(try toolUseBlock(call, at: index))
        }
        let producedToolUse = !calls.isEmpty
        let usage = AnthropicJSON.usage(of: completion, location: usageLocation)
        let answer: JSONValue = .object([
            "id": .string(AnthropicJSON.messageID(upstream: completion["id"])),
            "type": .string("message"),
            "role": .string("assistant"),
            "model": .string(model),
            "content": .array(content),
            "stop_reason": .string(AnthropicJSON.stopReason(finishReason: choice["finish_reason"]?.stringValue, producedToolUse: producedToolUse)),
            "stop_sequence": .null,
            "usage": .object([
                "input_tokens": .integer(Int64(usage?.input ?? 0)),
                "output_tokens": .integer(Int64(usage?.output ?? 0)),
            ]),
        ])
        return AnthropicJSON.encode(answer)
    }

    /// An OpenAI tool call as a `tool_use` block; Gemini sends empty ids, which get fresh ones.
    private static func toolUseBlock(_ call: JSONValue, at index: Int) throws(UpstreamFailure) -> JSONValue {
        guard let function = call.objectValue?["function"]?.objectValue, let name = function["name"]?.stringValue else {
            throw UpstreamFailure(kind: .badResponse, message: "the upstream tool call \(index) has no function name")
        }
        let id = call.objectValue?["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? AnthropicJSON.generatedID(prefix: "toolu_")
        let input = try toolInput(function["arguments"], name: name)
        return .object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": input])
    }

    /// The parsed `arguments` of a tool call: a JSON object, given as a string (or, by some
    /// upstreams, as the object itself); empty arguments are an empty object.
    static func toolInput(_ arguments: JSONValue?, name: String) throws(UpstreamFailure) -> JSONValue {
        switch arguments {
        case nil, .null?: return .object([:])
        case .object(let object)?: return .object(object)
        case .string(let text)?:
            if text.allSatisfy(\.isWhitespace) { return .object([:]) }
            guard let input = try? JSONValue(parsing: Array(text.utf8)), input.objectValue != nil else {
                throw UpstreamFailure(kind: .badResponse, message: "the upstream arguments for tool '\(name)' are not a JSON object")
            }
            return input
        case let other?:
            throw UpstreamFailure(kind: .badResponse, message: "the upstream arguments for tool '\(name)' are a \(other.typeName)")
        }
    }
}
