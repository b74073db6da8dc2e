#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterBackgroundWriter
public import LLMRouterCore

/// Where ``UsageLogWriter`` puts its batches: the SQLite ``UsageStore``, the PostgreSQL table
/// every instance shares (`PostgresUsageStore`), or a test double.
public protocol UsageSink: Sendable {
    /// Writes `records` as one batch.
    func insert(_ records: [RequestRecord]) async throws
    /// Deletes rows of requests that started before `cutoff`; returns how many went.
    func deleteRows(before cutoff: Date) async throws -> Int
    /// The thread the sink works on: the writer runs its batches there too, and tells it when
    /// it falls behind. `nil`: anywhere.
    var thread: BackgroundWriterThread? { get }
    /// How long the writer waits before writing a failed batch again, keeping it (and what
    /// comes meanwhile, up to the buffer's capacity) until it is written: for a database
    /// server, which goes away and comes back. `nil`: a failed batch is dropped and counted
    /// (a file that refused a write is not expected to take it later).
    var retryDelay: Duration? { get }
    /// What the sink needs running while the writer runs (a database client's connections);
    /// the writer cancels it after its final flush.
    func run() async
    /// The file or database, as logs name it (never with a password).
    var destination: String { get }
}

extension UsageSink {
    public var thread: BackgroundWriterThread? { nil }
    public var retryDelay: Duration? { nil }
    public func run() async {}
    public var destination: String { "\(Self.self)" }
}
