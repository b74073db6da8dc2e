#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated chat-completions request.
///
/// Every field the client sent is kept in ``fields`` (tools, response_format, unknown vendor
/// fields ...) so it reaches the upstream untouched; only `model` is replaced per provider.
public struct ChatRequest: Sendable {
    public private(set) var fields: [String: JSONValue]
    /// The model the client asked for; `nil` when it named none.
    public var model: String?
    public var stream: Bool
    public var messages: [JSONValue]

    /// Roles the OpenAI API accepts in `messages`.
    public static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// Parses and validates a request body.
    public init(json: some DataProtocol) throws(ChatRequestError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: Data(json))
        } catch {
            throw ChatRequestError(message: "We could not parse the JSON body of your request: it is not valid JSON.", param: nil)
        }
        guard case .object(let fields) = value else {
            throw ChatRequestError(message: "The request body must be a JSON object.", param: nil)
        }
        try self.init(fields: fields)
    }

    /// Validates already-parsed fields.
    public init(fields: [String: JSONValue]) throws(ChatRequestError) {
        self.fields = fields
        switch fields["model"] {
        case nil, .null: model = nil
        case .string(let name): model = name
        case let other?: throw .wrongType("model", expected: "a string", got: other)
        }
        switch fields["stream"] {
        case nil, .null: stream = false
        case .bool(let flag): stream = flag
        case let other?: throw .wrongType("stream", expected: "a boolean", got: other)
        }
        guard let messagesValue = fields["messages"] else {
            throw ChatRequestError(message: "Missing required parameter: 'messages'.", param: "messages")
        }
        guard case .array(let messages) = messagesValue else {
            throw .wrongType("messages", expected: "an array", got: messagesValue)
        }
        guard !messages.isEmpty else {
            throw ChatRequestError(message: "'messages' must contain at least one message.", param: "messages")
        }
        for (index, message) in messages.enumerated() {
            try Self.validate(message: message, at: index)
        }
        self.messages = messages
        for name in ["temperature", "top_p", "presence_penalty", "frequency_penalty"] {
            if let field = fields[name], field != .null, !field.isNumber {
                throw .wrongType(name, expected: "a number", got: field)
            }
        }
        for name in ["max_tokens", "max_completion_tokens", "n", "seed"] {
            if let field = fields[name], field != .null, !Self.isInteger(field) {
                throw .wrongType(name, expected: "an integer", got: field)
            }
        }
        if let stop = fields["stop"] {
            switch stop {
            case .null, .string: break
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): break
            default: throw .wrongType("stop", expected: "a string or an array of strings", got: stop)
            }
        }
    }

    /// The body to send to a provider whose upstream id for the model is `upstreamModel`.
    public func upstreamFields(model upstreamModel: String?) -> [String: JSONValue] {
        var body = fields
        if let upstreamModel { body["model"] = .string(upstreamModel) }
        return body
    }

    /// The text of the last user message (text parts joined), for echo providers.
    public var lastUserText: String {
        for message in messages.reversed() {
            guard let object = message.objectValue, object["role"]?.stringValue == "user" else { continue }
            switch object["content"] {
            case .string(let text)?: return text
            case .array(let parts)?:
                return parts.compactMap { $0.objectValue?["text"]?.stringValue }.joined(separator: " ")
            default: return ""
            }
        }
        return ""
    }

    private static func validate(message: JSONValue, at index: Int) throws(ChatRequestError) {
        guard case .object(let object) = message else {
            throw .wrongType("messages[\(index)]", expected: "an object", got: message)
        }
        guard let roleValue = object["role"] else {
            throw ChatRequestError(message: "Missing required parameter: 'messages[\(index)].role'.", param: "messages[\(index)].role")
        }
        guard case .string(let role) = roleValue else {
            throw .wrongType("messages[\(index)].role", expected: "a string", got: roleValue)
        }
        guard roles.contains(role) else {
            throw ChatRequestError(
                message: "Invalid value: '\(role)'. Supported values are: \(roles.sorted().map { "'\($0)'" }.joined(separator: ", ")).",
                param: "messages[\(index)].role"
            )
        }
        switch object["content"] {
        case nil, .null?, .string?, .array?: break
        case let other?: throw .wrongType("messages[\(index)].content", expected: "a string or an array of content parts", got: other)
        }
    }

    private static func isInteger(_ value: JSONValue) -> Bool {
        switch value {
        case .integer: true
        case .number(let number): number.rounded() == number
        default: false
        }
    }
}

/// Why a request body was rejected; becomes a 400 `invalid_request_error`.
public struct ChatRequestError: Error, Sendable, Equatable {
    public var message: String
    /// The offending parameter, as OpenAI's `param` field names it.
    public var param: String?

    public init(message: String, param: String?) {
        self.message = message
        self.param = param
    }

    static func wrongType(_ param: String, expected: String, got value: JSONValue) -> ChatRequestError {
        ChatRequestError(message: "Invalid type for '\(param)': expected \(expected), but got \(value.typeName).", param: param)
    }
}
