public import LLMRouterCore

/// Where the keys `llmrouter keys add` makes are kept, chosen by `LLMROUTER_KEYS`: the keys file
/// (`file`, the default) or the table of the shared PostgreSQL database (`postgres`, with
/// `LLMROUTER_DATABASE_URL`), which every instance on that database reads within seconds.
/// `LLMROUTER_API_KEYS` and `LLMROUTER_ADMIN_KEY` apply with either.
public enum AccessKeyStorage: String, Sendable, Equatable, CaseIterable {
    case file
    case postgres

    public static let variable = "LLMROUTER_KEYS"

    /// The storage `environment` chooses; unset or empty is the keys file.
    public static func chosen(by environment: [String: String]) throws(AccessKeysError) -> AccessKeyStorage {
        guard let text = environment[variable]?.trimmingWhitespace(), !text.isEmpty else { return .file }
        guard let storage = AccessKeyStorage(rawValue: text.lowercased()) else {
            throw AccessKeysError(
                source: variable,
                message: "must be 'file' (the keys file, the default) or 'postgres' (the keys table of LLMROUTER_DATABASE_URL), got \"\(text)\""
            )
        }
        return storage
    }
}
