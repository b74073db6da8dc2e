public import LLMRouterCore

/// The team's routing hooks in code: `llmrouter serve` tries them after `routing.rules`, on every
/// request, through reloads, and `debug-models --explain` explains with them. Add a type
/// conforming to ``RequestRule`` (see README, "Routing rules") and list an instance here; the
/// list is empty as shipped.
///
/// A target of its own so both executables are built with the same rules.
public enum CodeRules {
    public static let all: [any RequestRule] = []
}
