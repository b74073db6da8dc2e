public import LLMRouterCore

/// `LLMROUTER_MODEL_MAP=claude-*haiku*=llama-3.1-8b,claude-*=auto`: `routing.model_map` for the
/// setups with no providers file (the free-model catalog, the embedded echo), so a tool that
/// names models its own way works with one variable.
public enum ModelMapVariable {
    public static let name = "LLMROUTER_MODEL_MAP"

    /// The mappings `text` lists, in order: comma-separated `pattern=model` pairs.
    /// - Throws: ``ConfigurationError`` naming the variable and the entry at fault.
    public static func parse(_ text: String) throws(ConfigurationError) -> [ModelMapping] {
        var mappings: [ModelMapping] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ConfigurationError(
                    file: name, field: nil,
                    message: "'\(entry.trimmingWhitespace())' is not pattern=model (e.g. claude-*haiku*=llama-3.1-8b,claude-*=auto)"
                )
            }
            mappings.append(ModelMapping(pattern: parts[0], target: parts[1]))
        }
        return mappings
    }

    /// `configuration` with the variable's mappings after the file's own (the file's win).
    public static func applying(_ environment: [String: String], to configuration: RouterConfiguration) throws(ConfigurationError) -> RouterConfiguration {
        guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return configuration }
        var configuration = configuration
        configuration.routing.modelMap += try parse(text)
        return configuration
    }
}
