import LLMRouterCore

/// Translates Anthropic `messages` (content blocks) into OpenAI chat messages.
///
/// The two APIs cut a conversation differently: Anthropic carries tool results as blocks inside
/// a user message, OpenAI as separate `tool` messages that must directly follow the assistant
/// message whose `tool_calls` they answer. So a user message's tool results come out first, as
/// `tool` messages, and its remaining text and images after them as one user message.
enum AnthropicMessageTranslation {
    /// The chat messages for the request's `messages` array.
    static func chatMessages(from value: JSONValue?) throws(AnthropicError) -> [JSONValue] {
        guard let value, value != .null else { throw .invalidRequest("messages: Field required") }
        guard let items = value.arrayValue else { throw .invalidRequest("messages: Input should be a valid list, not \(value.typeName)") }
        guard !items.isEmpty else { throw .invalidRequest("messages: List should have at least 1 item after validation, not 0") }
        var result: [JSONValue] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            result += try chatMessages(for: item, at: "messages.\(index)")
        }
        return result
    }

    private static func chatMessages(for message: JSONValue, at path: String) throws(AnthropicError) -> [JSONValue] {
        guard let object = message.objectValue else { throw .invalidRequest("\(path): Input should be a valid dictionary") }
        guard let roleValue = object["role"], roleValue != .null else { throw .invalidRequest("\(path).role: Field required") }
        guard let role = roleValue.stringValue, role == "user" || role == "assistant" else {
            throw .invalidRequest("\(path).role: Input should be 'user' or 'assistant'")
        }
        switch object["content"] {
        case nil, .null?:
            throw .invalidRequest("\(path).content: Field required")
        case .string(let text)?:
            return [.object(["role": .string(role), "content": .string(text)])]
        case .array(let blocks)?:
            return role == "user" ? try userMessages(blocks, at: path) : [try assistantMessage(blocks, at: path)]
        case let other?:
            throw .invalidRequest("\(path).content: Input should be a valid string or list of content blocks, not \(other.typeName)")
        }
    }

    /// A user turn: one `tool` message per `tool_result`, then the text and images, if any.
    private static func userMessages(_ blocks: [JSONValue], at path: String) throws(AnthropicError) -> [JSONValue] {
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).content.\(index)"
            let (type, object) = try typedBlock(block, at: blockPath)
            switch type {
            case "text": parts.append(try textPart(object, at: blockPath))
            case "image": parts.append(try imagePart(object, at: blockPath))
            case "document": parts.append(try documentPart(object, at: blockPath))
            case "tool_result":
                let (message, images) = try toolMessage(object, at: blockPath)
                toolMessages.append(message)
                // OpenAI `tool` messages carry text only; a tool's images go to the user turn.
                parts += images
            case "thinking", "redacted_thinking": continue
            default: throw .invalidRequest("\(blockPath).type: '\(type)' blocks are not supported in user messages")
            }
        }
        if parts.isEmpty && !toolMessages.isEmpty { return toolMessages }
        return toolMessages + [.object(["role": .string("user"), "content": userContent(parts)])]
    }

    /// Text-only content as one string, which every OpenAI-compatible upstream accepts; with
    /// images, the array of parts.
    private static func userContent(_ parts: [JSONValue]) -> JSONValue {
        let texts = parts.compactMap { part -> String? in
            guard let object = part.objectValue, object["type"]?.stringValue == "text" else { return nil }
            return object["text"]?.stringValue
        }
        return texts.count == parts.count ? .string(texts.joined(separator: "\n")) : .array(parts)
    }

    /// An assistant turn: its text as `content`, its `tool_use` blocks as `tool_calls`.
    /// Thinking blocks are dropped: chat-completions upstreams take no reasoning as input.
    private static func assistantMessage(_ blocks: [JSONValue], at path: String) throws(AnthropicError) -> JSONValue {
        var texts: [String] = []
        var toolCalls: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).content.\(index)"
            let (type, object) = try typedBlock(block, at: blockPath)
            switch type {
            case "text":
                guard let text = try AnthropicRequestTranslation.string(object["text"], at: "\(blockPath).text") else {
                    throw .invalidRequest("\(blockPath).text: Field required")
                }
                texts.append(text)
            case "tool_use": toolCalls.append(try toolCall(object, at: blockPath))
            case "thinking", "redacted_thinking": continue
            default: throw .invalidRequest("\(blockPath).type: '\(type)' blocks are not supported in assistant messages")
            }
        }
        var message: [String: JSONValue] = ["role": .string("assistant")]
        let text = texts.joined(separator: "\n")
        // OpenAI wants `content: null`, not "", beside tool calls with no text.
        message["content"] = text.isEmpty && !toolCalls.isEmpty ? .null : .string(text)
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
        return .object(message)
    }

    private static func typedBlock(_ block: JSONValue, at path: String) throws(AnthropicError) -> (String, [String: JSONValue]) {
        guard let object = block.objectValue else { throw .invalidRequest("\(path): Input should be a valid dictionary") }
        guard let type = try AnthropicRequestTranslation.string(object["type"], at: "\(path).type") else {
            throw .invalidRequest("\(path).type: Field required")
        }
        return (type, object)
    }

    private static func textPart(_ block: [String: JSONValue], at path: String) throws(AnthropicError) -> JSONValue {
        guard let text = try AnthropicRequestTranslation.string(block["text"], at: "\(path).text") else {
            throw .invalidRequest("\(path).text: Field required")
        }
        return .object(["type": .string("text"), "text": .string(text)])
    }

    /// An `image` block as an `image_url` part: base64 sources become a `data:` URL.
    private static func imagePart(_ block: [String: JSONValue], at path: String) throws(AnthropicError) -> JSONValue {
        guard let source = block["source"]?.objectValue else { throw .invalidRequest("\(path).source: Field required") }
        let url: String
        switch source["type"]?.stringValue {
        case "base64":
            guard let mediaType = try AnthropicRequestTranslation.string(source["media_type"], at: "\(path).source.media_type") else {
                throw .invalidRequest("\(path).source.media_type: Field required")
            }
            guard let data = try AnthropicRequestTranslation.string(source["data"], at: "\(path).source.data") else {
                throw .invalidRequest("\(path).source.data: Field required")
            }
            url = "data:\(mediaType);base64,\(data)"
        case "url":
            guard let link = try AnthropicRequestTranslation.string(source["url"], at: "\(path).source.url") else {
                throw .invalidRequest("\(path).source.url: Field required")
            }
            url = link
        default:
            throw .invalidRequest("\(path).source.type: Input should be 'base64' or 'url'")
        }
        return .object(["type": .string("image_url"), "image_url": .object(["url": .string(url)])])
    }

    /// A plain-text `document` block as text; other documents (PDFs, files) have no portable
    /// chat-completions form.
    private static func documentPart(_ block: [String: JSONValue], at path: String) throws(AnthropicError) -> JSONValue {
        guard let source = block["source"]?.objectValue, source["type"]?.stringValue == "text",
            let data = source["data"]?.stringValue
        else {
            throw .invalidRequest("\(path).source: only text documents (source.type 'text') are supported by this router")
        }
        let title = block["title"]?.stringValue.map { "\($0)\n\n" } ?? ""
        return .object(["type": .string("text"), "text": .string(title + data)])
    }

    /// A `tool_result` block as a `tool` message, plus the images it returned.
    private static func toolMessage(_ block: [String: JSONValue], at path: String) throws(AnthropicError) -> (JSONValue, [JSONValue]) {
        guard let id = try AnthropicRequestTranslation.string(block["tool_use_id"], at: "\(path).tool_use_id") else {
            throw .invalidRequest("\(path).tool_use_id: Field required")
        }
        var texts: [String] = []
        var images: [JSONValue] = []
        switch block["content"] {
        case nil, .null?: break
        case .string(let text)?: texts.append(text)
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                let itemPath = "\(path).content.\(index)"
                let (type, object) = try typedBlock(item, at: itemPath)
                switch type {
                case "text": texts.append(try AnthropicRequestTranslation.string(object["text"], at: "\(itemPath).text") ?? "")
                case "image": images.append(try imagePart(object, at: itemPath))
                case "document": texts.append(try documentPart(object, at: itemPath).objectValue?["text"]?.stringValue ?? "")
                default: throw .invalidRequest("\(itemPath).type: '\(type)' blocks are not supported in tool results")
                }
            }
        case let other?:
            throw .invalidRequest("\(path).content: Input should be a valid string or list of content blocks, not \(other.typeName)")
        }
        var content = texts.joined(separator: "\n")
        if block["is_error"] == .bool(true) {
            // Chat-completions has no error flag for tool results; the model reads it from the text.
            content = content.isEmpty ? "Error" : "Error: " + content
        }
        let message: JSONValue = .object(["role": .string("tool"), "tool_call_id": .string(id), "content": .string(content)])
        return (message, images)
    }

    /// A `tool_use` block as an OpenAI tool call, its `input` serialized into `arguments`.
    private static func toolCall(_ block: [String: JSONValue], at path: String) throws(AnthropicError) -> JSONValue {
        guard let id = try AnthropicRequestTranslation.string(block["id"], at: "\(path).id") else {
            throw .invalidRequest("\(path).id: Field required")
        }
        guard let name = try AnthropicRequestTranslation.string(block["name"], at: "\(path).name") else {
            throw .invalidRequest("\(path).name: Field required")
        }
        let input = block["input"] ?? .object([:])
        guard input.objectValue != nil else { throw .invalidRequest("\(path).input: Input should be a valid dictionary") }
        let arguments = String(decoding: AnthropicJSON.encode(input), as: UTF8.self)
        let function: JSONValue = .object(["name": .string(name), "arguments": .string(arguments)])
        return .object(["id": .string(id), "type": .string("function"), "function": function])
    }
}
