import LLMRouterCore

/// Translates the Responses forms of `tools`, `tool_choice` and `text.format` into chat form.
///
/// Responses tools are flat (`{type, name, parameters}`) where chat nests them under
/// `function`. Hosted tools (web search, file search, code interpreter ...) run inside OpenAI;
/// no chat upstream can run them, so they are refused up front instead of silently ignored.
enum ResponsesToolTranslation {
    /// - Returns: the tools in chat form, and in the flat form a response echoes.
    static func tools(from value: JSONValue) throws(OpenAIError) -> (chat: [JSONValue], flat: [JSONValue]) {
        guard case .array(let tools) = value else {
            throw ResponsesRequest.wrongType("tools", expected: "an array", got: value)
        }
        var chat: [JSONValue] = []
        var flat: [JSONValue] = []
        for (index, tool) in tools.enumerated() {
            let param = "tools[\(index)]"
            guard case .object(let object) = tool else {
                throw ResponsesRequest.wrongType(param, expected: "an object", got: tool)
            }
            let type = try ResponsesRequest.requiredString(object, "type", param: "\(param).type")
            guard type == "function" else {
                throw .invalidRequest(
                    "The tool type '\(type)' is not supported by this router: it only serves 'function' tools, which your code runs.",
                    param: "\(param).type"
                )
            }
            var function: [String: JSONValue]
            if case .object(let nested)? = object["function"] {
                // Tolerates the chat form, which some clients send to both APIs.
                function = nested
            } else {
                function = object
                function["type"] = nil
            }
            let name = try ResponsesRequest.requiredString(function, "name", param: "\(param).name")
            guard !name.isEmpty else {
                throw .invalidRequest("'\(param).name' must not be empty.", param: "\(param).name")
            }
            chat.append(.object(["type": .string("function"), "function": .object(function)]))
            var flatTool = function
            flatTool["type"] = .string("function")
            flat.append(.object(flatTool))
        }
        return (chat, flat)
    }

    /// `"auto"`, `"none"` and `"required"` pass; `{type: function, name}` nests its name under `function`.
    static func toolChoice(from value: JSONValue) throws(OpenAIError) -> JSONValue {
        switch value {
        case .string(let mode) where ["auto", "none", "required"].contains(mode):
            return value
        case .object(let object):
            let type = try ResponsesRequest.requiredString(object, "type", param: "tool_choice.type")
            guard type == "function" else {
                throw .invalidRequest(
                    "The tool_choice type '\(type)' is not supported by this router; choose 'auto', 'none', 'required' or a function.",
                    param: "tool_choice.type"
                )
            }
            let name = try ResponsesRequest.requiredString(object, "name", param: "tool_choice.name")
            return .object(["type": .string("function"), "function": .object(["name": .string(name)])])
        default:
            throw .invalidRequest(
                "Invalid value for 'tool_choice': expected 'auto', 'none', 'required' or {\"type\": \"function\", \"name\": ...}.",
                param: "tool_choice"
            )
        }
    }

    /// The chat `response_format` for a Responses `text` setting (none for plain text), and the
    /// format as the response echoes it.
    static func responseFormat(fromText text: JSONValue) throws(OpenAIError) -> (chat: JSONValue?, echoed: JSONValue) {
        guard case .object(let textObject) = text else {
            throw ResponsesRequest.wrongType("text", expected: "an object", got: text)
        }
        guard let format = textObject["format"], format != .null else {
            return (nil, .object(["type": .string("text")]))
        }
        guard case .object(let object) = format else {
            throw ResponsesRequest.wrongType("text.format", expected: "an object", got: format)
        }
        let type = try ResponsesRequest.requiredString(object, "type", param: "text.format.type")
        switch type {
        case "text":
            return (nil, format)
        case "json_object":
            return (.object(["type": .string("json_object")]), format)
        case "json_schema":
            let name = try ResponsesRequest.requiredString(object, "name", param: "text.format.name")
            guard case .object? = object["schema"] else {
                throw .invalidRequest("Missing required parameter: 'text.format.schema' (a JSON schema object).", param: "text.format.schema")
            }
            var schema: [String: JSONValue] = ["name": .string(name)]
            for member in ["schema", "strict", "description"] {
                if let value = object[member], value != .null { schema[member] = value }
            }
            return (.object(["type": .string("json_schema"), "json_schema": .object(schema)]), format)
        default:
            throw .invalidRequest(
                "Invalid value: '\(type)'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                param: "text.format.type"
            )
        }
    }
}
