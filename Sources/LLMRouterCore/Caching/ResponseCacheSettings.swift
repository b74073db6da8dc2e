/// How the response cache behaves (`LLMROUTER_CACHE_TTL` and friends, or YAML `cache:`).
public struct ResponseCacheSettings: Sendable, Equatable {
    /// Which requests may be answered from the cache and stored in it.
    public enum Mode: String, Sendable, Equatable {
        /// Requests whose answer should not vary: `temperature` 0, a `seed`, or embeddings.
        case deterministic
        /// Every request (`cache.mode: all`): repeated prompts get the first answer again.
        case all
    }

    /// Where entries are kept.
    public enum Backend: Sendable, Equatable {
        /// In this process, lost on restart.
        case memory
        /// In a SQLite file as well, read back at startup (`LLMROUTER_CACHE=sqlite:PATH`).
        case sqlite(path: String)
        /// In PostgreSQL as well (`LLMROUTER_CACHE=postgres`, the database of
        /// `LLMROUTER_DATABASE_URL`), shared by every instance on it.
        case postgres
    }

    /// How long an entry is served; the cache is off when it is zero.
    public var ttl: Duration
    public var mode: Mode
    /// Whether answers that call tools are stored. Defaults to `false`: a tool call usually
    /// depends on state outside the prompt.
    public var storesToolCalls: Bool
    /// The bound on all entries' bytes (`LLMROUTER_CACHE_MAX_BYTES`). Defaults to 64 MiB.
    public var maxBytes: Int
    /// Answers larger than this are never stored. Defaults to 1 MiB, or `maxBytes` when smaller.
    public var maxEntryBytes: Int
    public var backend: Backend
    /// The semantic layer, when on.
    public var semantic: SemanticCacheSettings?

    public init(
        ttl: Duration = .zero,
        mode: Mode = .deterministic,
        storesToolCalls: Bool = false,
        maxBytes: Int = 64 * 1024 * 1024,
        maxEntryBytes: Int = 1024 * 1024,
        backend: Backend = .memory,
        semantic: SemanticCacheSettings? = nil
    ) {
        self.ttl = ttl
        self.mode = mode
        self.storesToolCalls = storesToolCalls
        self.maxBytes = maxBytes
        self.maxEntryBytes = min(maxEntryBytes, maxBytes)
        self.backend = backend
        self.semantic = semantic
    }

    public var isEnabled: Bool { ttl > .zero }
}

/// The semantic layer: a repeated question in other words gets the stored answer.
public struct SemanticCacheSettings: Sendable, Equatable {
    /// The embedding model the router itself serves (`LLMROUTER_SEMANTIC_MODEL`).
    public var model: String
    /// Cosine similarity a stored question needs to answer (`LLMROUTER_SEMANTIC_CACHE_THRESHOLD`).
    public var threshold: Double
    /// Vectors kept (`LLMROUTER_SEMANTIC_CACHE_MAX_ENTRIES`); the oldest go first. Defaults to 512.
    public var maxEntries: Int
    /// Longest wait for the question's embedding; past it the lookup is a plain miss.
    public var embeddingTimeout: Duration
    /// Last messages shorter than this (in characters) never look up: "ok" or "yes" mean
    /// different things in different conversations.
    public var minimumCharacters: Int

    public static let defaultThreshold = 0.95

    public init(
        model: String,
        threshold: Double = Self.defaultThreshold,
        maxEntries: Int = 512,
        embeddingTimeout: Duration = .milliseconds(800),
        minimumCharacters: Int = 12
    ) {
        self.model = model
        self.threshold = threshold
        self.maxEntries = maxEntries
        self.embeddingTimeout = embeddingTimeout
        self.minimumCharacters = minimumCharacters
    }
}

/// What one request says about the cache: `Cache-Control` and the `X-LLMRouter-*` headers.
public struct CacheDirectives: Sendable, Equatable {
    /// `X-LLMRouter-Cache: off`: neither read nor write.
    public var off = false
    /// `Cache-Control: no-cache`: do not answer from the cache, but store the new answer.
    public var noCache = false
    /// `Cache-Control: no-store`: do not store this answer.
    public var noStore = false
    /// `Cache-Control: max-age=N`: only entries younger than this answer.
    public var maxAge: Duration?
    /// `X-LLMRouter-Semantic-Cache: off`.
    public var semanticOff = false
    /// `X-LLMRouter-Semantic-Threshold`: may only raise the configured threshold.
    public var semanticThreshold: Double?

    public init() {}

    /// Reads the header values (each `nil` when absent).
    public init(cacheControl: String?, routerCache: String?, semanticCache: String?, semanticThreshold: String?) {
        for directive in (cacheControl ?? "").lowercased().split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
            switch parts.first {
            case "no-cache": noCache = true
            case "no-store": noStore = true
            case "max-age":
                if parts.count == 2, let seconds = Int(parts[1].filter { $0 != "\"" }), seconds >= 0 { maxAge = .seconds(seconds) }
            default: continue
            }
        }
        off = Self.isOff(routerCache)
        semanticOff = Self.isOff(semanticCache)
        if let text = semanticThreshold, let value = Double(text.trimmingWhitespace()), value.isFinite, value <= 1 {
            self.semanticThreshold = value
        }
    }

    private static func isOff(_ value: String?) -> Bool {
        guard let value = value?.trimmingWhitespace().lowercased() else { return false }
        return ["off", "false", "0", "no", "bypass"].contains(value)
    }
}
