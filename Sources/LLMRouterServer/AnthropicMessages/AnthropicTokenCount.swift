import LLMRouterCore

/// The input-token estimate behind `POST /v1/messages/count_tokens`.
///
/// - Important: This is an estimate, not a tokenizer count: the router fronts many model
///   families, each with its own tokenizer, and ships none of them. It counts about one token per
///   four UTF-8 bytes of text (message text, tool arguments, tool names, descriptions and
///   schemas), a flat ``tokensPerImage`` for each image, and ``tokensPerMessage`` for each
///   message's framing. English prose comes out within roughly ±25 % of real tokenizers; code
///   and non-Latin scripts run higher.
enum AnthropicTokenCount {
    /// Anthropic's figure for an image at its largest size (about 1.15 megapixels / 750).
    static let tokensPerImage = 1_600
    /// The role markers and separators chat templates add around each message.
    static let tokensPerMessage = 4

    /// The estimated input tokens of a `count_tokens` body, validated like `/v1/messages` but
    /// without `max_tokens`.
    /// - Returns: at least 1.
    /// - Throws: ``AnthropicError`` 400 `invalid_request_error` naming the offending field.
    static func estimate(_ body: some Collection<UInt8>) throws(AnthropicError) -> Int {
        let request = try AnthropicRequestTranslation.requestObject(body)
        let fields = try AnthropicRequestTranslation.chatFields(from: request, requiresMaxTokens: false)
        return estimate(chatFields: fields)
    }

    /// The estimated input tokens of a translated request, e.g. for a stream's `message_start`.
    static func estimate(_ chat: ChatRequest) -> Int {
        estimate(chatFields: chat.fields)
    }

    private static func estimate(chatFields fields: [String: JSONValue]) -> Int {
        var count = Count()
        let messages = fields["messages"]?.arrayValue ?? []
        for message in messages { count.add(message) }
        for tool in fields["tools"]?.arrayValue ?? [] { count.add(tool) }
        let textTokens = (count.textBytes + 3) / 4
        return max(1, textTokens + count.images * tokensPerImage + messages.count * tokensPerMessage)
    }

    /// Text bytes and images found in a JSON tree.
    private struct Count {
        var textBytes = 0
        var images = 0

        mutating func add(_ value: JSONValue) {
            switch value {
            case .string(let text): textBytes += text.utf8.count
            case .array(let items): for item in items { add(item) }
            case .object(let members):
                // An image's base64 data says little about its tokens; count it flat.
                if members["type"]?.stringValue == "image_url" {
                    images += 1
                    return
                }
                for (key, member) in members where !Self.structuralKeys.contains(key) { add(member) }
            case .integer, .number, .bool, .null: textBytes += 1
            }
        }

        /// Keys whose values are framing (`"role": "user"`), not text the model reads as such;
        /// `tool_calls` ids are kept out too since they are opaque.
        static let structuralKeys: Set<String> = ["role", "type", "id", "tool_call_id"]
    }
}
