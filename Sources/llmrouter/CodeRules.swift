import LLMRouterCore

/// The team's routing hooks in code: `llmrouter serve` tries them after `routing.rules`, on every
/// request, through reloads. Add a type conforming to ``RequestRule`` (see README, "Routing
/// rules") and list an instance here; the list is empty as shipped.
enum CodeRules {
    static let all: [any RequestRule] = []
}
