#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A routing hook: looks at what a request is (model, endpoint, key, headers, size, needs) and
/// when it arrives, and says how to route it — or `nil` to leave it to the next rule.
///
/// Rules run in order, the first decision wins. `routing.rules:` in YAML are the built-in
/// implementation (``RoutingRule``); code passes its own to ``RoutingTable/init(routes:routing:rules:)``.
/// `decide` runs on every request: keep it free of I/O and allocation.
public protocol RequestRule: Sendable {
    /// Named in `X-LLMRouter-Rule` and the usage log when the rule decides.
    var name: String { get }
    func decide(_ facts: RequestFacts) -> RuleDecision?
}

/// What a rule may look at; nothing in it is HTTP.
public struct RequestFacts: Sendable {
    /// The model to be served (`routing.model_map` applied); `nil` for any (`auto`).
    public var model: String?
    /// `chat`, `embeddings`, `messages` or `responses`.
    public var endpoint: String
    /// The access key's name, when keys are on.
    public var keyName: String?
    /// The request's headers by lower-cased name (credentials left out).
    public var headers: RuleHeaders
    /// Tools, vision, JSON mode and the estimated prompt tokens.
    public var needs: RequestNeeds
    /// Milliseconds since 1970 on the router's clock (``RequestRouter`` advances it with its
    /// injected clock, so tests move time with a mock clock).
    public var wallTime: Int64

    public init(model: String?, endpoint: String, keyName: String? = nil, headers: RuleHeaders = [:], needs: RequestNeeds = .init(), wallTime: Int64) {
        self.model = model
        self.endpoint = endpoint
        self.keyName = keyName
        self.headers = headers
        self.needs = needs
        self.wallTime = wallTime
    }

    public var date: Date { Date(timeIntervalSince1970: Double(wallTime) / 1000) }
}

/// How a rule routes a request. Every field is optional: an empty decision only names the rule.
public struct RuleDecision: Sendable, Equatable {
    /// The deciding rule's name.
    public var rule: String
    /// Only routes matching one of these are candidates; the rest are skipped with reason `rule`.
    public var only: [RouteSelector]?
    /// Routes moved to the front of the policy's order, their order otherwise kept.
    public var prefer: [RouteSelector]
    /// Routes moved to the back.
    public var avoid: [RouteSelector]
    /// Orders candidates with this policy instead of the configured one.
    public var policy: RoutingPolicyName?
    /// Replaces `routing.max_wait_seconds` for the request.
    public var maxWait: Duration?
    /// Serves this canonical model instead of the one asked for.
    public var model: String?
    /// Refuses the request (403) with this message.
    public var deny: String?

    public init(
        rule: String, only: [RouteSelector]? = nil, prefer: [RouteSelector] = [], avoid: [RouteSelector] = [],
        policy: RoutingPolicyName? = nil, maxWait: Duration? = nil, model: String? = nil, deny: String? = nil
    ) {
        self.rule = rule
        self.only = only
        self.prefer = prefer
        self.avoid = avoid
        self.policy = policy
        self.maxWait = maxWait
        self.model = model
        self.deny = deny
    }
}

/// A route by provider (entry) name, or every route carrying a tag (`tag:gpu`).
public enum RouteSelector: Sendable, Hashable {
    case provider(String)
    case tag(String)

    /// `tag:NAME` is a tag (tags are lower-cased at load), anything else a provider name, as written.
    public init(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.lowercased().hasPrefix("tag:") {
            self = .tag(String(trimmed.dropFirst(4)).trimmingWhitespace().lowercased())
        } else {
            self = .provider(trimmed)
        }
    }

    public func matches(_ route: ProviderConfiguration) -> Bool {
        switch self {
        case .provider(let name):
            // Several keys of one entry share its name with a `#n` suffix: `groq` selects them all.
            route.name == name || route.keySlot?.family == name
        case .tag(let tag): route.tags.contains(tag)
        }
    }
}

/// What decided a request's order, for `X-LLMRouter-Rule`, `X-LLMRouter-Policy` and the record.
public struct RoutingDecision: Sendable, Equatable {
    /// The rule that decided; `nil` when none matched.
    public var rule: String?
    public var policy: RoutingPolicyName
    /// `X-LLMRouter-Auto`: `tier=code; model=kimi-k2` when `auto` chose the model.
    public var auto: String?
    /// `X-LLMRouter-Cascade`: `llama-3.1-8b -> llama-3.3-70b; reason=length` when a cascade moved up.
    public var cascade: String?

    public init(rule: String?, policy: RoutingPolicyName, auto: String? = nil, cascade: String? = nil) {
        self.rule = rule
        self.policy = policy
        self.auto = auto
        self.cascade = cascade
    }
}

/// Where the router leaves a request's ``RoutingDecision`` for the server's headers, whatever
/// the outcome. Written before any upstream call; `auto` amends it with the model that answered.
public final class RoutingDecisionNote: Sendable {
    private let stored = Mutex<RoutingDecision?>(nil)

    public init() {}

    public var decision: RoutingDecision? { stored.withLock { $0 } }

    func note(_ decision: RoutingDecision) {
        stored.withLock { $0 = decision }
    }
}
