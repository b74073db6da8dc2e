#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A validated chat-completions request.
///
/// Every field the client sent is kept in ``fields`` (tools, response_format, unknown vendor
/// fields ...) and its original bytes in ``body``, so it reaches the upstream untouched; only
/// `model` (and the `stream` switch) change per provider, spliced into the bytes.
public struct ChatRequest: Sendable {
    public private(set) var fields: [String: JSONValue]
    /// The body as the client sent it (for requests built from fields, their JSON encoding).
    public private(set) var body: [UInt8]
    /// The model the client asked for; `nil` when it named none.
    public var model: String?
    public var stream: Bool
    public var messages: [JSONValue]
    /// Where the body's top-level members are, found while parsing it, for ``upstreamBody(model:stream:removing:outputCap:)``.
    private let members: JSONObjectMembers?

    /// Roles the OpenAI API accepts in `messages`.
    public static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// Parses and validates a request body.
    public init(json: some DataProtocol) throws(ChatRequestError) {
        let bytes = Array(json)
        let (fields, members) = try Self.parseRequestObject(bytes)
        try self.init(fields: fields, body: bytes, members: members)
    }

    /// A request body as a JSON object with its top-level members located, or the 400 that says
    /// why it is not one (invalid JSON, a repeated member, not an object).
    static func parseRequestObject(_ bytes: [UInt8]) throws(ChatRequestError) -> (fields: [String: JSONValue], members: JSONObjectMembers) {
        let value: JSONValue
        let repeated: String?
        let located: [JSONParser.LocatedMember]
        do {
            (value, repeated, located) = try JSONValue.parsingDocument(bytes)
        } catch {
            throw ChatRequestError(message: "We could not parse the JSON body of your request: it is not valid JSON.", param: nil)
        }
        if let repeated {
            throw ChatRequestError(message: "The request body names '\(repeated)' more than once; send each parameter once.", param: repeated)
        }
        guard case .object(let fields) = value else {
            throw ChatRequestError(message: "The request body must be a JSON object.", param: nil)
        }
        return (fields, JSONObjectMembers(bytes: bytes, located: located))
    }

    /// Validates already-parsed fields.
    public init(fields: [String: JSONValue]) throws(ChatRequestError) {
        let body = Self.encode(fields)
        try self.init(fields: fields, body: body, members: JSONObjectMembers(body))
    }

    private init(fields: [String: JSONValue], body: [UInt8], members: JSONObjectMembers?) throws(ChatRequestError) {
        self.fields = fields
        self.body = body
        self.members = members
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

    /// The bytes to send upstream: the client's body with `model` replaced by `upstreamModel`
    /// (when given), `stream` set to `stream` (when given), the `removing` members dropped, and
    /// `max_tokens`/`max_completion_tokens` lowered to `outputCap` when they ask for more.
    /// Everything else is copied byte for byte, never re-encoded.
    public func upstreamBody(model upstreamModel: String?, stream: Bool?, removing: Set<String> = [], outputCap: Int? = nil) -> [UInt8] {
        var replacements: [(key: String, value: [UInt8])] = []
        replacements.reserveCapacity(2)
        if let upstreamModel { replacements.append(("model", JSONObjectMembers.jsonString(upstreamModel))) }
        if let stream { replacements.append(("stream", Array((stream ? "true" : "false").utf8))) }
        if let outputCap {
            for key in Self.outputLimitKeys where (fields[key]?.intValue ?? 0) > outputCap {
                replacements.append((key, Array(String(outputCap).utf8)))
            }
        }
        guard let members else {
            // Unreachable for a validated body; re-encoding is still correct, just slower.
            var fields = upstreamFields(model: upstreamModel)
            if let stream { fields["stream"] = .bool(stream) }
            for key in removing { fields[key] = nil }
            if let outputCap {
                for key in Self.outputLimitKeys where (fields[key]?.intValue ?? 0) > outputCap { fields[key] = .integer(Int64(outputCap)) }
            }
            return Self.encode(fields)
        }
        return members.rewritten(replacing: replacements, removing: removing)
    }

    /// The members that bound an answer's length.
    static let outputLimitKeys = ["max_tokens", "max_completion_tokens"]

    private static func encode(_ fields: [String: JSONValue]) -> [UInt8] {
        JSONValue.encodedBytes(.object(fields))
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
