import LLMRouterCore

/// Turns a Responses `input` (a string or a list of items) into chat-completions messages.
///
/// Items map one to one except tool calls: chat completions keeps a turn's calls on one
/// assistant message, so a run of `function_call` items (and an assistant message just
/// before them) becomes a single message with `tool_calls`. Reasoning items are dropped: the
/// chat API has no way to send them back.
enum ResponsesInputTranslation {
    static let messageRoles: Set<String> = ["user", "system", "developer", "assistant"]

    static func messages(from input: JSONValue) throws(OpenAIError) -> [JSONValue] {
        switch input {
        case .string(let text):
            return [.object(["role": .string("user"), "content": .string(text)])]
        case .array(let items):
            guard !items.isEmpty else {
                throw .invalidRequest("'input' must contain at least one item.", param: "input")
            }
            var messages: [[String: JSONValue]] = []
            for (index, item) in items.enumerated() {
                try append(item, param: "input[\(index)]", to: &messages)
            }
            return messages.map(JSONValue.object)
        default:
            throw ResponsesRequest.wrongType("input", expected: "a string or an array of input items", got: input)
        }
    }

    private static func append(_ item: JSONValue, param: String, to messages: inout [[String: JSONValue]]) throws(OpenAIError) {
        guard case .object(let object) = item else {
            throw ResponsesRequest.wrongType(param, expected: "an object", got: item)
        }
        let type = try ResponsesRequest.optionalString(object, "type", param: "\(param).type")
        switch type {
        case nil, "message"?:
            messages.append(try message(object, param: param))
        case "function_call"?:
            let call = try toolCall(object, param: param)
            if var last = messages.last, last["role"] == .string("assistant") {
                // Calls belong on the assistant message that precedes them.
                last["tool_calls"] = .array((last["tool_calls"]?.arrayValue ?? []) + [call])
                messages[messages.count - 1] = last
            } else {
                messages.append(["role": .string("assistant"), "content": .null, "tool_calls": .array([call])])
            }
        case "function_call_output"?:
            let callID = try ResponsesRequest.requiredString(object, "call_id", param: "\(param).call_id")
            let output = try toolOutput(object["output"], param: "\(param).output")
            messages.append(["role": .string("tool"), "tool_call_id": .string(callID), "content": .string(output)])
        case "reasoning"?:
            break
        case let other?:
            throw .invalidRequest(
                "Input items of type '\(other)' are not supported by this router; send messages, 'function_call' and 'function_call_output' items.",
                param: "\(param).type"
            )
        }
    }

    private static func message(_ object: [String: JSONValue], param: String) throws(OpenAIError) -> [String: JSONValue] {
        let role = try ResponsesRequest.requiredString(object, "role", param: "\(param).role")
        guard messageRoles.contains(role) else {
            throw .invalidRequest(
                "Invalid value: '\(role)'. Supported values are: 'assistant', 'developer', 'system' and 'user'.",
                param: "\(param).role"
            )
        }
        let contentParam = "\(param).content"
        switch object["content"] {
        case .string(let text)?:
            return ["role": .string(role), "content": .string(text)]
        case .array(let parts)?:
            var chatParts: [JSONValue] = []
            for (index, part) in parts.enumerated() {
                chatParts.append(try contentPart(part, param: "\(contentParam)[\(index)]"))
            }
            if role == "user" {
                return ["role": .string(role), "content": .array(chatParts)]
            }
            // Only user messages may carry images; the other roles' text parts are joined,
            // because several upstreams refuse part arrays outside user messages.
            var texts: [String] = []
            for (index, part) in chatParts.enumerated() {
                guard let text = part[member: "text"]?.stringValue else {
                    throw .invalidRequest("Only user messages may contain images.", param: "\(contentParam)[\(index)]")
                }
                texts.append(text)
            }
            return ["role": .string(role), "content": .string(texts.joined())]
        case nil, .null?:
            throw .invalidRequest("Missing required parameter: '\(contentParam)'.", param: contentParam)
        case let other?:
            throw ResponsesRequest.wrongType(contentParam, expected: "a string or an array of content parts", got: other)
        }
    }

    /// A content part in chat form: `input_text`/`output_text`/`refusal` → text, `input_image` → `image_url`.
    private static func contentPart(_ part: JSONValue, param: String) throws(OpenAIError) -> JSONValue {
        guard case .object(let object) = part else {
            throw ResponsesRequest.wrongType(param, expected: "an object", got: part)
        }
        let type = try ResponsesRequest.requiredString(object, "type", param: "\(param).type")
        switch type {
        case "input_text", "output_text":
            let text = try ResponsesRequest.requiredString(object, "text", param: "\(param).text")
            return .object(["type": .string("text"), "text": .string(text)])
        case "refusal":
            let text = try ResponsesRequest.requiredString(object, "refusal", param: "\(param).refusal")
            return .object(["type": .string("text"), "text": .string(text)])
        case "input_image":
            if let fileID = object["file_id"], fileID != .null {
                throw .invalidRequest(
                    "Images given by 'file_id' are not supported by this router (it stores no files); send 'image_url' with a URL or a data: URL.",
                    param: "\(param).file_id"
                )
            }
            let url = try ResponsesRequest.requiredString(object, "image_url", param: "\(param).image_url")
            var image: [String: JSONValue] = ["url": .string(url)]
            if let detail = try ResponsesRequest.optionalString(object, "detail", param: "\(param).detail") {
                image["detail"] = .string(detail)
            }
            return .object(["type": .string("image_url"), "image_url": .object(image)])
        default:
            throw .invalidRequest(
                "Content parts of type '\(type)' are not supported by this router; send 'input_text' or 'input_image'.",
                param: "\(param).type"
            )
        }
    }

    private static func toolCall(_ object: [String: JSONValue], param: String) throws(OpenAIError) -> JSONValue {
        let callID = try ResponsesRequest.requiredString(object, "call_id", param: "\(param).call_id")
        let name = try ResponsesRequest.requiredString(object, "name", param: "\(param).name")
        let arguments = try ResponsesRequest.optionalString(object, "arguments", param: "\(param).arguments") ?? "{}"
        return .object([
            "id": .string(callID),
            "type": .string("function"),
            "function": .object(["name": .string(name), "arguments": .string(arguments)]),
        ])
    }

    /// A tool result as chat text: a string, or the text parts of a part list joined.
    private static func toolOutput(_ output: JSONValue?, param: String) throws(OpenAIError) -> String {
        switch output {
        case .string(let text)?:
            return text
        case .array(let parts)?:
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                guard let text = part[member: "text"]?.stringValue else {
                    throw .invalidRequest("Only text parts are supported in a function call output.", param: "\(param)[\(index)]")
                }
                texts.append(text)
            }
            return texts.joined()
        case nil, .null?:
            throw .invalidRequest("Missing required parameter: '\(param)'.", param: param)
        case let other?:
            throw ResponsesRequest.wrongType(param, expected: "a string", got: other)
        }
    }
}
