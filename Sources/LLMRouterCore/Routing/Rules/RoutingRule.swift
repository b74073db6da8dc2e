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

    /// Whether every condition holds for `facts`. The router compiles its rules once
    /// (``RuleProgram``); this compiles them on each call, for a rule tried on its own.
    public func hold(for facts: RequestFacts) -> Bool {
        RuleProgram([self]).firstMatch(facts) != nil
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
    let loweredBytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.loweredBytes = Array(pattern.lowercased().utf8)
    }

    /// Folds ASCII case of `text` on the fly instead of copying it.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { text in loweredBytes.withUnsafeBufferPointer { Glob.matches($0, text, foldCase: true) } }
    }
}
