/// The built-in ``RequestRule``: one `routing.rules:` entry, `when` all its conditions hold,
/// `then` its decision. Everything is compiled at load, so deciding allocates nothing.
public struct RoutingRule: RequestRule, Equatable {
    public var name: String
    public var when: RuleConditions
    public var then: RuleDecision

    public init(name: String, when: RuleConditions = .init(), then: RuleDecision) {
        self.name = name
        self.when = when
        self.then = then
        self.then.rule = name
    }

    public func decide(_ facts: RequestFacts) -> RuleDecision? {
        when.hold(for: facts) ? then : nil
    }
}

/// The `when:` of a rule; an unset condition always holds, a list holds when any item does.
public struct RuleConditions: Sendable, Equatable {
    /// Globs over the model to be served; `auto` stands for a request that names none.
    public var models: [GlobPattern]
    /// `chat`, `embeddings`, `messages`, `responses`.
    public var endpoints: [String]
    /// Access key names.
    public var keys: [String]
    /// Every header must be present and match its glob; names lower-cased.
    public var headers: [HeaderCondition]
    public var time: TimeWindow?
    public var minPromptTokens: Int?
    public var maxPromptTokens: Int?
    /// Each set need must equal the request's.
    public var tools: Bool?
    public var vision: Bool?
    public var json: Bool?

    public init(
        models: [GlobPattern] = [], endpoints: [String] = [], keys: [String] = [], headers: [HeaderCondition] = [],
        time: TimeWindow? = nil, minPromptTokens: Int? = nil, maxPromptTokens: Int? = nil,
        tools: Bool? = nil, vision: Bool? = nil, json: Bool? = nil
    ) {
        self.models = models
        self.endpoints = endpoints
        self.keys = keys
        self.headers = headers
        self.time = time
        self.minPromptTokens = minPromptTokens
        self.maxPromptTokens = maxPromptTokens
        self.tools = tools
        self.vision = vision
        self.json = json
    }

    public func hold(for facts: RequestFacts) -> Bool {
        if !models.isEmpty {
            let model = facts.model ?? "auto"
            guard models.contains(where: { $0.matches(model) }) else { return false }
        }
        if !endpoints.isEmpty, !endpoints.contains(facts.endpoint) { return false }
        if !keys.isEmpty {
            guard let key = facts.keyName, keys.contains(key) else { return false }
        }
        for header in headers {
            guard let value = facts.headers[header.name], header.value.matches(value) else { return false }
        }
        let tokens = facts.needs.estimatedPromptTokens
        if let minPromptTokens, tokens < minPromptTokens { return false }
        if let maxPromptTokens, tokens > maxPromptTokens { return false }
        if let tools, tools != facts.needs.tools { return false }
        if let vision, vision != facts.needs.vision { return false }
        if let json, json != facts.needs.jsonMode { return false }
        // Last: the only condition that does arithmetic on the zone.
        if let time, !time.contains(wallTime: facts.wallTime) { return false }
        return true
    }
}

/// A header a rule asks for: its lower-cased name and a glob over its value.
public struct HeaderCondition: Sendable, Equatable {
    public var name: String
    public var value: GlobPattern

    public init(name: String, value: GlobPattern) {
        self.name = name.lowercased()
        self.value = value
    }
}

/// A glob (`*` any run, `?` one character; case-insensitive), lower-cased once at load.
public struct GlobPattern: Sendable, Equatable {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.bytes = Array(pattern.lowercased().utf8)
    }

    /// Folds ASCII case of `text` on the fly instead of copying it.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { Glob.matches(bytes, $0, foldCase: true) }
    }
}
