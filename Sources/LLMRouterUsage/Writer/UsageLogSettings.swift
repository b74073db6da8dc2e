/// Where and how the usage log is kept. Built from the environment by the executable.
public struct UsageLogSettings: Sendable, Equatable {
    /// The SQLite file (`LLMROUTER_DB`); its folder is created. Defaults to `data/llmrouter.sqlite`.
    public var path: String
    /// Whether `LLMROUTER_DB` named the file. With `LLMROUTER_DATABASE_URL` set, the usage log
    /// goes to PostgreSQL unless it did. Defaults to `false`.
    public var pathIsExplicit: Bool
    /// Rows older than this are deleted, at startup and hourly (`LLMROUTER_DB_RETENTION_DAYS`).
    /// Defaults to 30 days.
    public var retentionDays: Double
    /// Records waiting to be written; beyond it new records are dropped and counted. Defaults to 10,000.
    public var bufferCapacity: Int
    /// Records per write. Defaults to 256; a full batch is written at once.
    public var batchSize: Int
    /// Longest wait before buffered records are written. Defaults to 1 second.
    public var flushInterval: Duration
    /// How often old rows are pruned. Defaults to 1 hour.
    public var pruneInterval: Duration

    public init(
        path: String = "data/llmrouter.sqlite",
        pathIsExplicit: Bool = false,
        retentionDays: Double = 30,
        bufferCapacity: Int = 10_000,
        batchSize: Int = 256,
        flushInterval: Duration = .seconds(1),
        pruneInterval: Duration = .seconds(3600)
    ) {
        self.path = path
        self.pathIsExplicit = pathIsExplicit
        self.retentionDays = retentionDays
        self.bufferCapacity = bufferCapacity
        self.batchSize = batchSize
        self.flushInterval = flushInterval
        self.pruneInterval = pruneInterval
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The settings `environment` asks for, or `nil` when `LLMROUTER_DB` is `off`.
    /// - Throws: ``Failure`` naming the variable that is wrong.
    public static func fromEnvironment(_ environment: [String: String]) throws(Failure) -> UsageLogSettings? {
        var settings = UsageLogSettings()
        if let path = environment["LLMROUTER_DB"], !path.isEmpty {
            if ["off", "false", "0", "none", "disabled"].contains(path.lowercased()) { return nil }
            settings.path = path
            settings.pathIsExplicit = true
        }
        if let text = environment["LLMROUTER_DB_RETENTION_DAYS"], !text.isEmpty {
            guard let days = Double(text), days > 0, days.isFinite else {
                throw Failure(message: "LLMROUTER_DB_RETENTION_DAYS must be a number of days greater than 0, got '\(text)'")
            }
            settings.retentionDays = days
        }
        return settings
    }

    /// `retentionDays` as a duration.
    public var retention: Duration { .milliseconds(Int64(retentionDays * 86_400_000)) }
}
