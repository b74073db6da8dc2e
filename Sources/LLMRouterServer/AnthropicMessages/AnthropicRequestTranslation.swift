import LLMRouterCore

/// An Anthropic Messages request turned into the chat-completions request the router serves.
struct AnthropicTranslatedRequest: Sendable {
    /// The OpenAI chat request; its `model` is the client's model name, unmapped.
    var chat: ChatRequest
    /// The model the client named, echoed back in the answer.
    var model: String
    /// Whether the client asked for server-sent events.
    var stream: Bool
}

/// Translates `POST /v1/messages` bodies into OpenAI chat-completions requests.
///
/// Validation follows Anthropic's: a 400 `invalid_request_error` whose message starts with the
/// field's path (`messages.1.content.0.type: ...`), so a client can tell what it got wrong
/// before any upstream is called. Fields with no chat-completions equivalent (`top_k`,
/// `thinking`, `cache_control`, `service_tier` ...) are dropped rather than refused, because
/// clients such as Claude Code send them on every request.
enum AnthropicRequestTranslation {
    /// Validates and translates a Messages request body.
    /// - Throws: ``AnthropicError`` 400 `invalid_request_error` naming the offending field.
    static func translate(_ body: some Collection<UInt8>) throws(AnthropicError) -> AnthropicTranslatedRequest {
        let request = try requestObject(body)
        let fields = try chatFields(from: request, requiresMaxTokens: true)
        let chat: ChatRequest
        do {
            chat = try ChatRequest(fields: fields)
        } catch {
            // Unreachable for fields built here; reported rather than trapped.
            throw .invalidRequest(error.message)
        }
        let model = fields["model"]?.stringValue ?? ""
        return AnthropicTranslatedRequest(chat: chat, model: model, stream: chat.stream)
    }

    /// The body as a JSON object.
    static func requestObject(_ body: some Collection<UInt8>) throws(AnthropicError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("The request body is not valid JSON: \(error.description).")
        }
        guard let object = value.objectValue else {
            throw .invalidRequest("The request body must be a JSON object, not \(value.typeName).")
        }
        return object
    }

    /// The chat-completions fields for a Messages request.
    /// - Parameter requiresMaxTokens: `false` for `count_tokens`, which takes no `max_tokens`.
    static func chatFields(from request: [String: JSONValue], requiresMaxTokens: Bool) throws(AnthropicError) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        guard let model = try string(request["model"], at: "model") else { throw .invalidRequest("model: Field required") }
        fields["model"] = .string(model)
        if let maxTokens = try integer(request["max_tokens"], at: "max_tokens") {
            guard maxTokens >= 1 else { throw .invalidRequest("max_tokens: Input should be greater than or equal to 1") }
            fields["max_tokens"] = .integer(Int64(maxTokens))
        } else if requiresMaxTokens {
            throw .invalidRequest("max_tokens: Field required")
        }
        var messages = try systemMessages(request["system"])
        messages += try AnthropicMessageTranslation.chatMessages(from: request["messages"])
        fields["messages"] = .array(messages)
        if let tools = try chatTools(request["tools"]), !tools.isEmpty {
            fields["tools"] = .array(tools)
            if let choice = request["tool_choice"], choice != .null {
                let (toolChoice, parallel) = try chatToolChoice(choice)
                fields["tool_choice"] = toolChoice
                if let parallel { fields["parallel_tool_calls"] = .bool(parallel) }
            }
        }
        if let stops = request["stop_sequences"], stops != .null {
            guard let items = stops.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidRequest("stop_sequences: Input should be a valid list of strings")
            }
            if !items.isEmpty { fields["stop"] = stops }
        }
        for name in ["temperature", "top_p"] {
            guard let value = request[name], value != .null else { continue }
            guard value.isNumber else { throw .invalidRequest("\(name): Input should be a valid number") }
            fields[name] = value
        }
        if let metadata = request["metadata"], metadata != .null {
            guard let object = metadata.objectValue else { throw .invalidRequest("metadata: Input should be a valid dictionary") }
            if let user = try string(object["user_id"], at: "metadata.user_id") { fields["user"] = .string(user) }
        }
        switch request["stream"] {
        case nil, .null?, .bool(false)?: break
        case .bool(true)?:
            fields["stream"] = .bool(true)
            // Without it OpenAI-compatible upstreams send no usage, and `message_delta` needs it.
            fields["stream_options"] = .object(["include_usage": .bool(true)])
        case let other?: throw .invalidRequest("stream: Input should be a valid boolean, not \(other.typeName)")
        }
        return fields
    }

    /// `system`, a string or an array of text blocks, as a leading system message.
    private static func systemMessages(_ system: JSONValue?) throws(AnthropicError) -> [JSONValue] {
        let text: String
        switch system {
        case nil, .null?: return []
        case .string(let value)?: text = value
        case .array(let blocks)?:
            var parts: [String] = []
            for (index, block) in blocks.enumerated() {
                let path = "system.\(index)"
                guard let object = block.objectValue else { throw .invalidRequest("\(path): Input should be a valid dictionary") }
                guard object["type"]?.stringValue == "text" else { throw .invalidRequest("\(path).type: Input should be 'text'") }
                guard let part = try string(object["text"], at: "\(path).text") else { throw .invalidRequest("\(path).text: Field required") }
                parts.append(part)
            }
            text = parts.joined(separator: "\n")
        case let other?:
            throw .invalidRequest("system: Input should be a valid string or list of text blocks, not \(other.typeName)")
        }
        if text.isEmpty { return [] }
        return [.object(["role": .string("system"), "content": .string(text)])]
    }

    /// Anthropic custom tools as OpenAI function tools. Anthropic's server tools (`web_search`,
    /// `bash`, `text_editor` ...) need Anthropic's own runtime, so they are refused.
    private static func chatTools(_ tools: JSONValue?) throws(AnthropicError) -> [JSONValue]? {
        guard let tools, tools != .null else { return nil }
        guard let items = tools.arrayValue else { throw .invalidRequest("tools: Input should be a valid list") }
        var result: [JSONValue] = []
        for (index, tool) in items.enumerated() {
            let path = "tools.\(index)"
            guard let object = tool.objectValue else { throw .invalidRequest("\(path): Input should be a valid dictionary") }
            if let type = object["type"]?.stringValue, type != "custom" {
                throw .invalidRequest("\(path).type: the server tool '\(type)' is not supported by this router; define it as a custom tool")
            }
            guard let name = try string(object["name"], at: "\(path).name") else { throw .invalidRequest("\(path).name: Field required") }
            guard let schema = object["input_schema"] else { throw .invalidRequest("\(path).input_schema: Field required") }
            guard schema.objectValue != nil else { throw .invalidRequest("\(path).input_schema: Input should be a valid dictionary") }
            var function: [String: JSONValue] = ["name": .string(name), "parameters": schema]
            if let description = try string(object["description"], at: "\(path).description") {
                function["description"] = .string(description)
            }
            result.append(.object(["type": .string("function"), "function": .object(function)]))
        }
        return result
    }

    /// `tool_choice` as OpenAI's, and `parallel_tool_calls` from `disable_parallel_tool_use`.
    private static func chatToolChoice(_ choice: JSONValue) throws(AnthropicError) -> (JSONValue, Bool?) {
        guard let object = choice.objectValue else { throw .invalidRequest("tool_choice: Input should be a valid dictionary") }
        let parallel: Bool?
        switch object["disable_parallel_tool_use"] {
        case nil, .null?: parallel = nil
        case .bool(let disabled)?: parallel = disabled ? false : nil
        case let other?: throw .invalidRequest("tool_choice.disable_parallel_tool_use: Input should be a valid boolean, not \(other.typeName)")
        }
        switch object["type"]?.stringValue {
        case "auto": return (.string("auto"), parallel)
        case "any": return (.string("required"), parallel)
        case "none": return (.string("none"), nil)
        case "tool":
            guard let name = try string(object["name"], at: "tool_choice.name") else { throw .invalidRequest("tool_choice.name: Field required") }
            let function: JSONValue = .object(["name": .string(name)])
            return (.object(["type": .string("function"), "function": function]), parallel)
        default:
            throw .invalidRequest("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'")
        }
    }

    /// A string field; `nil` when absent or null.
    static func string(_ value: JSONValue?, at path: String) throws(AnthropicError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw .invalidRequest("\(path): Input should be a valid string, not \(other.typeName)")
        }
    }

    /// A whole-number field; `nil` when absent or null.
    private static func integer(_ value: JSONValue?, at path: String) throws(AnthropicError) -> Int? {
        switch value {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.intValue else { throw .invalidRequest("\(path): Input should be a valid integer") }
            return number
        }
    }
}
