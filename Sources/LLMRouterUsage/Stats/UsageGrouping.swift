/// How `llmrouter stats` splits its figures.
public enum UsageGrouping: String, Sendable, CaseIterable, Codable {
    /// One row for all traffic.
    case total
    /// By the provider that answered.
    case provider
    /// By the model the client asked for.
    case model
    /// By access key name.
    case key
    /// By the API called: `chat`, `embeddings`, `messages`, `responses`.
    case endpoint
    /// By the tier `model: auto` sorted the request into; `(none)` for requests that named a model.
    case tier
    /// By the llmrouter process that wrote the row: the instances sharing a PostgreSQL database.
    case instance
}
