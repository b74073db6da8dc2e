import LLMRouterCore
import Yams

/// Reads `routing.auto:` (see ``AutoSettings``): a mapping of tiers to model lists plus
/// `cascade` and `long_context_tokens`, or `false` to turn `auto`'s model choice off.
///
/// Every error names the field, `routing.auto.code[1]`.
struct AutoSectionReader {
    static let settingKeys = ["cascade", "long_context_tokens"]
    static var knownKeys: [String] { AutoTier.allCases.map(\.rawValue) + settingKeys }

    let file: String

    func read(_ node: Node) throws(ConfigurationError) -> AutoSettings {
        let field = "routing.auto"
        if let flag = node.bool { return AutoSettings(isEnabled: flag) }
        guard let map = node.mapping else {
            throw error(field, "must be a mapping of tiers (\(AutoTier.allCases.map(\.rawValue).joined(separator: ", "))) to model lists, with optional cascade and long_context_tokens; or false")
        }
        var settings = AutoSettings()
        for (key, value) in map {
            guard let name = key.string else { throw error(field, "keys must be strings") }
            if let tier = AutoTier(rawValue: name) {
                settings.models[tier] = try models(value, "\(field).\(name)")
                continue
            }
            switch name {
            case "cascade":
                guard let flag = value.bool else { throw error("\(field).cascade", "must be true or false") }
                settings.cascade = flag
            case "long_context_tokens":
                guard let tokens = value.int, tokens > 0 else { throw error("\(field).long_context_tokens", "must be a whole number of tokens > 0") }
                settings.longContextTokens = tokens
            default:
                throw error("\(field).\(name)", "unknown key; expected one of \(Self.knownKeys.joined(separator: ", "))")
            }
        }
        return settings
    }

    /// A tier's model list: canonical names or aliases, at least one.
    private func models(_ node: Node, _ field: String) throws(ConfigurationError) -> [String] {
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                guard case .scalar = item, let text = item.string?.trimmingWhitespace(), !text.isEmpty else {
                    throw error("\(field)[\(index)]", "must be a model name")
                }
                if ModelName.isAuto(text) { throw error("\(field)[\(index)]", "'auto' cannot be one of auto's models; name a canonical model") }
            }
        }
        let names: [String]
        do {
            names = try YAMLTextList.read(node)
        } catch {
            throw self.error(field, "\(error.message) (model names)")
        }
        guard !names.isEmpty else { throw error(field, "must name at least one model; leave the tier out to take the catalog's") }
        if names.contains(where: { ModelName.isAuto($0) }) { throw error(field, "'auto' cannot be one of auto's models; name a canonical model") }
        return names
    }

    private func error(_ field: String, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, provider: nil, field: field, message: message)
    }
}
