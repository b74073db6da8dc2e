/// What the cache needs of a request: the members that make its key, whether its answer is
/// deterministic, and, for the semantic layer, its last user message apart from the rest.
public struct CacheRequest: Sendable {
    /// Every member that can change the answer (``CacheKey/ignoredMembers`` are dropped later).
    public var fields: [String: JSONValue]
    /// `temperature` 0, a `seed`, or an operation whose answer does not vary (embeddings).
    public var isDeterministic: Bool
    /// The text of the last message when it is the user's, for the semantic layer; `nil` for
    /// requests it does not apply to.
    public var lastUserText: String?

    public init(fields: [String: JSONValue], isDeterministic: Bool, lastUserText: String? = nil) {
        self.fields = fields
        self.isDeterministic = isDeterministic
        self.lastUserText = lastUserText
    }

    /// A chat request as the cache sees it.
    public init(chat request: ChatRequest) {
        let temperature = request.fields["temperature"]
        let zeroTemperature = temperature?.intValue == 0 || temperature == .number(0)
        let seeded = request.fields["seed"].map { $0 != .null } ?? false
        var lastUser: String?
        if let last = request.messages.last?.objectValue, last["role"]?.stringValue == "user" {
            lastUser = Self.text(of: last["content"])
        }
        self.init(fields: request.fields, isDeterministic: zeroTemperature || seeded, lastUserText: lastUser)
    }

    /// The members with the last message removed: the semantic layer's scope, which must
    /// match exactly (system prompt, earlier turns, tools, parameters).
    public var scopeFields: [String: JSONValue] {
        var scope = fields
        if case .array(var messages)? = fields["messages"], !messages.isEmpty {
            messages.removeLast()
            scope["messages"] = .array(messages)
        }
        return scope
    }

    /// A message's text: a string, or the text parts of a content array.
    static func text(of content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?:
            var texts: [String] = []
            for part in parts {
                guard let object = part.objectValue else { continue }
                // An image or file in the question: the text alone does not say what is asked.
                guard object["type"]?.stringValue == "text" else { return nil }
                if let text = object["text"]?.stringValue { texts.append(text) }
            }
            return texts.isEmpty ? nil : texts.joined(separator: "\n")
        default: return nil
        }
    }
}
