import NIOCore

/// Why a cascade moved on from the cheaper model's answer (`reason=` of `X-LLMRouter-Cascade`).
public enum CascadeReason: String, Sendable, CaseIterable {
    /// No text and no tool call.
    case empty
    /// Cut off by the upstream's output limit (`finish_reason: length` short of the client's own
    /// `max_tokens`).
    case length
    /// The model declined (`refusal`, `finish_reason: content_filter`, or a refusal phrase).
    case refusal
    /// JSON mode was asked for and the content is not a JSON object.
    case invalidJSON = "invalid_json"
    /// A tool call names a tool the request did not offer.
    case unknownTool = "unknown_tool"
    /// The cheaper tier gave no answer at all (rate-limited, failing, none admissible).
    case unanswered
}

/// The quality gate of a cascade: whether a complete chat answer is good enough to hand the
/// client, judged from the answer and the request alone (no model, no network).
public enum CascadeGate {
    /// Why `body` (an OpenAI chat completion) fails the gate for `request`; `nil` when it passes.
    public static func verdict(_ body: ByteBuffer, request: ChatRequest) -> CascadeReason? {
        guard let answer = (try? JSONValue.parsingObject(body.readableBytesView, keeping: ["choices", "usage"])) ?? nil,
            let choice = answer["choices"]?.arrayValue?.first?.objectValue
        else { return .empty }
        switch choice["finish_reason"]?.stringValue {
        case "length":
            if !cutAtTheClientsLimit(answer, request: request) { return .length }
        case "content_filter": return .refusal
        default: break
        }
        let message = choice["message"]?.objectValue ?? [:]
        if let calls = message["tool_calls"]?.arrayValue, !calls.isEmpty {
            let offered = toolNames(of: request)
            for call in calls {
                let name = call.objectValue?["function"]?.objectValue?["name"]?.stringValue ?? ""
                if !offered.contains(name) { return .unknownTool }
            }
            return nil
        }
        if let refusal = message["refusal"]?.stringValue, !refusal.trimmingWhitespace().isEmpty { return .refusal }
        let content = text(of: message["content"])
        if content.trimmingWhitespace().isEmpty { return .empty }
        if isRefusal(content) { return .refusal }
        if asksForJSON(request), !isJSONObject(content) { return .invalidJSON }
        return nil
    }

    /// Whether an answer cut by `length` stopped where the client asked it to: a stronger model
    /// given the same `max_tokens` would be cut there too, so the answer is what the client wanted.
    /// Only a cut short of it (an upstream's own lower cap) counts against the cheaper model.
    static func cutAtTheClientsLimit(_ answer: [String: JSONValue], request: ChatRequest) -> Bool {
        let asked = request.fields["max_completion_tokens"]?.intValue ?? request.fields["max_tokens"]?.intValue
        guard let asked else { return false }
        guard let used = answer["usage"]?.objectValue?["completion_tokens"]?.intValue else { return true }
        return used >= asked
    }

    /// Phrases a declining answer opens with, lower-cased, straight apostrophes.
    static let refusalOpenings = [
        "i'm sorry, but i can", "i am sorry, but i can", "sorry, but i can't", "sorry, i can't", "sorry, i cannot",
        "i can't help with", "i cannot help with", "i can't assist", "i cannot assist", "i'm unable to", "i am unable to",
        "i can't comply", "i cannot comply", "i won't be able to", "i'm not able to", "as an ai language model, i can",
    ]

    /// A short answer that opens with a refusal phrase; a long one that starts apologetically
    /// ("I can't see the image, but here is...") went on to answer.
    static func isRefusal(_ content: String) -> Bool {
        guard content.utf8.count <= 600 else { return false }
        let opening = content.trimmingWhitespace().prefix(60).lowercased().replacing("\u{2019}", with: "'")
        return refusalOpenings.contains { opening.hasPrefix($0) }
    }

    /// The tools the request offers (`tools[].function.name`, or legacy `functions[].name`).
    static func toolNames(of request: ChatRequest) -> Set<String> {
        var names: Set<String> = []
        for tool in request.fields["tools"]?.arrayValue ?? [] {
            if let name = tool.objectValue?["function"]?.objectValue?["name"]?.stringValue { names.insert(name) }
        }
        for function in request.fields["functions"]?.arrayValue ?? [] {
            if let name = function.objectValue?["name"]?.stringValue { names.insert(name) }
        }
        return names
    }

    static func asksForJSON(_ request: ChatRequest) -> Bool {
        guard let type = request.fields["response_format"]?.objectValue?["type"]?.stringValue else { return false }
        return type == "json_object" || type == "json_schema"
    }

    static func isJSONObject(_ content: String) -> Bool {
        if case .object? = try? JSONValue(parsing: Array(content.trimmingWhitespace().utf8)) { return true }
        return false
    }

    /// A message's text: its string content, or its `text` parts joined.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: text
        case .array(let parts)?: parts.compactMap { $0.objectValue?["text"]?.stringValue }.joined()
        default: ""
        }
    }
}
