#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore

/// Where ``UsageLogWriter`` puts its batches: the SQLite ``UsageStore`` (a PostgreSQL store
/// later), or a test double.
public protocol UsageSink: Sendable {
    /// Writes `records` as one batch.
    func insert(_ records: [RequestRecord]) async throws
    /// Deletes rows of requests that started before `cutoff`; returns how many went.
    func deleteRows(before cutoff: Date) async throws -> Int
    /// Where the writer should run its batches, next to the sink's own work; `nil`: anywhere.
    var executor: (any TaskExecutor)? { get }
}

extension UsageSink {
    public var executor: (any TaskExecutor)? { nil }
}
