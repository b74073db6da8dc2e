#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterBackgroundWriter
public import LLMRouterCore

/// Where ``UsageLogWriter`` puts its batches: the SQLite ``UsageStore`` (a PostgreSQL store
/// later), or a test double.
public protocol UsageSink: Sendable {
    /// Writes `records` as one batch.
    func insert(_ records: [RequestRecord]) async throws
    /// Deletes rows of requests that started before `cutoff`; returns how many went.
    func deleteRows(before cutoff: Date) async throws -> Int
    /// The thread the sink works on: the writer runs its batches there too, and tells it when
    /// it falls behind. `nil`: anywhere.
    var thread: BackgroundWriterThread? { get }
}

extension UsageSink {
    public var thread: BackgroundWriterThread? { nil }
}
