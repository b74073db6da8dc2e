#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What `llmrouter stats` prints: the figures since a time, per group and in total.
public struct UsageStatsReport: Sendable, Equatable {
    public var since: Date
    public var until: Date
    public var grouping: UsageGrouping
    /// The one instance whose rows the report covers; `nil`: every instance's.
    public var instance: String?
    public var referencePrice: ReferencePrice?
    /// One row per group, busiest first; empty when grouping is ``UsageGrouping/total``.
    public var rows: [UsageStatsRow]
    public var total: UsageStatsRow

    public init(
        since: Date,
        until: Date,
        grouping: UsageGrouping,
        instance: String? = nil,
        referencePrice: ReferencePrice?,
        rows: [UsageStatsRow],
        total: UsageStatsRow
    ) {
        self.since = since
        self.until = until
        self.grouping = grouping
        self.instance = instance
        self.referencePrice = referencePrice
        self.rows = rows
        self.total = total
    }

    /// Reads the report from `store`: the SQLite file or the PostgreSQL table, the same way.
    package static func load(
        from store: some UsageStatsSource,
        since: Date,
        until: Date = Date(),
        grouping: UsageGrouping,
        instance: String? = nil,
        referencePrice: ReferencePrice?
    ) async throws -> UsageStatsReport {
        let total = try await store.stats(since: since, grouping: .total, instance: instance).first ?? UsageStatsRow(group: "total", requests: 0)
        let rows = grouping == .total ? [] : try await store.stats(since: since, grouping: grouping, instance: instance)
        return UsageStatsReport(
            since: since, until: until, grouping: grouping, instance: instance, referencePrice: referencePrice, rows: rows, total: total
        )
    }
}
