#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A validated `POST /v1/embeddings` request.
///
/// Like ``ChatRequest`` it keeps the client's bytes, so `encoding_format`, `dimensions`, `user`
/// and vendor fields reach the upstream as sent; only `model` is spliced per route.
public struct EmbeddingsRequest: Sendable {
    public private(set) var fields: [String: JSONValue]
    public private(set) var body: [UInt8]
    /// The model the client asked for; `nil` when it named none.
    public var model: String?
    /// How many inputs the request embeds.
    public let inputCount: Int
    /// The inputs' text (token arrays count four bytes a token), for the prompt-token estimate.
    public let inputBytes: Int
    private let members: JSONObjectMembers?

    public init(json: some DataProtocol) throws(ChatRequestError) {
        let bytes = Array(json)
        let (fields, members) = try ChatRequest.parseRequestObject(bytes)
        self.fields = fields
        self.body = bytes
        self.members = members
        switch fields["model"] {
        case nil, .null: model = nil
        case .string(let name): model = name
        case let other?: throw .wrongType("model", expected: "a string", got: other)
        }
        (inputCount, inputBytes) = try Self.validateInput(fields["input"])
        if let format = fields["encoding_format"], format != .null {
            guard let name = format.stringValue, name == "float" || name == "base64" else {
                throw ChatRequestError(message: "Invalid value for 'encoding_format': expected 'float' or 'base64'.", param: "encoding_format")
            }
        }
        if let dimensions = fields["dimensions"], dimensions != .null {
            guard let count = dimensions.intValue, count > 0 else {
                throw ChatRequestError(message: "Invalid value for 'dimensions': expected a positive integer.", param: "dimensions")
            }
        }
    }

    /// The bytes to send upstream: the client's body with `model` set to `upstreamModel` and
    /// `extra` members added (a vendor's required defaults), everything else byte for byte.
    public func upstreamBody(model upstreamModel: String?, adding extra: [(key: String, value: JSONValue)] = []) -> [UInt8] {
        var replacements: [(key: String, value: [UInt8])] = []
        if let upstreamModel { replacements.append(("model", JSONObjectMembers.jsonString(upstreamModel))) }
        for (key, value) in extra where fields[key] == nil {
            replacements.append((key, JSONValue.encodedBytes(value)))
        }
        return members?.rewritten(replacing: replacements, removing: []) ?? body
    }

    /// Strings, a string, token arrays or a token array; an empty input is a 400 (upstreams
    /// answer it with errors of every shape).
    private static func validateInput(_ input: JSONValue?) throws(ChatRequestError) -> (count: Int, bytes: Int) {
        guard let input, input != .null else {
            throw ChatRequestError(message: "Missing required parameter: 'input'.", param: "input")
        }
        switch input {
        case .string(let text):
            guard !text.isEmpty else { throw emptyInput }
            return (1, text.utf8.count)
        case .array(let items):
            guard !items.isEmpty else { throw emptyInput }
            if items.allSatisfy({ $0.intValue != nil }) { return (1, items.count * 4) }
            var bytes = 0
            for (index, item) in items.enumerated() {
                switch item {
                case .string(let text) where !text.isEmpty: bytes += text.utf8.count
                case .array(let tokens) where !tokens.isEmpty && tokens.allSatisfy({ $0.intValue != nil }): bytes += tokens.count * 4
                default:
                    throw ChatRequestError(
                        message: "Invalid value for 'input[\(index)]': expected a non-empty string or a non-empty array of token ids.",
                        param: "input"
                    )
                }
            }
            return (items.count, bytes)
        default:
            throw .wrongType("input", expected: "a string, an array of strings or an array of token arrays", got: input)
        }
    }

    private static let emptyInput = ChatRequestError(message: "'input' must not be empty.", param: "input")
}
