/// What to do with an answer once it arrives.
public enum CacheDecision: Sendable, Equatable {
    /// Keep `body`; `usage` is what the answer's own `usage` counted, read in the same parse as
    /// the checks, so storing it parses nothing again.
    case store([UInt8], usage: AnswerUsage)
    /// Never stored, with the reason for the metric (`tool_calls`, `cut_short` ...).
    case refuse(String)
    /// A stream: decided from its assembled answer when it ends.
    case atStreamEnd
}

/// The tokens an answer's `usage` member counted; `nil` where it said nothing.
public struct AnswerUsage: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?

    public init(promptTokens: Int? = nil, completionTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Read from an answer's `usage` member.
    init(_ usage: JSONValue?) {
        let counts = usage?.objectValue
        self.init(promptTokens: counts?["prompt_tokens"]?.intValue, completionTokens: counts?["completion_tokens"]?.intValue)
    }
}

/// Why an answer is not kept, decided in one parse of it.
public enum CacheRefusal {
    /// A chat answer is never stored when it is an error, was cut short (`finish_reason:
    /// length` or `content_filter`), calls tools (unless allowed), or is over the size bound.
    public static func decision(chat body: [UInt8], settings: ResponseCacheSettings) -> CacheDecision {
        guard body.count <= settings.maxEntryBytes else { return .refuse("too_large") }
        guard let answer = try? JSONValue.parsingObject(body, keeping: ["choices", "error", "usage"]) ?? nil else {
            return .refuse("unreadable")
        }
        if let reason = check(chatAnswer: answer, settings: settings) { return .refuse(reason) }
        return .store(body, usage: AnswerUsage(answer["usage"]))
    }

    /// The rules of ``decision(chat:settings:)`` over an answer already built (a stream's
    /// assembled one); `nil`: it may be kept.
    static func check(chatAnswer answer: [String: JSONValue], settings: ResponseCacheSettings) -> String? {
        if let error = answer["error"], error != .null { return "error" }
        guard let choices = answer["choices"]?.arrayValue, !choices.isEmpty else { return "no_choices" }
        for choice in choices {
            let object = choice.objectValue
            let reason = object?["finish_reason"]?.stringValue
            if reason == "length" || reason == "content_filter" { return "cut_short" }
            let calls = object?["message"]?.objectValue?["tool_calls"]?.arrayValue ?? []
            if !calls.isEmpty, !settings.storesToolCalls { return "tool_calls" }
        }
        return nil
    }

    /// An embeddings answer is kept when it holds vectors and fits.
    public static func decision(embeddings body: [UInt8], settings: ResponseCacheSettings) -> CacheDecision {
        guard body.count <= settings.maxEntryBytes else { return .refuse("too_large") }
        guard let answer = try? JSONValue.parsingObject(body, keeping: ["data", "error", "usage"]) ?? nil else {
            return .refuse("unreadable")
        }
        if let error = answer["error"], error != .null { return .refuse("error") }
        guard let data = answer["data"]?.arrayValue, !data.isEmpty else { return .refuse("no_data") }
        return .store(body, usage: AnswerUsage(answer["usage"]))
    }
}
