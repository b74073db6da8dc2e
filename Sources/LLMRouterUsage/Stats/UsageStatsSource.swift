#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A store `llmrouter stats` reads: the SQLite file, or the PostgreSQL table of every instance.
/// It runs ``UsageSQL``'s queries in its own dialect and hands the rows back as plain values,
/// so the figures are put together by the same code whichever database holds them.
package protocol UsageStatsSource: Sendable {
    /// The statements in the store's dialect.
    var statements: UsageSQL { get }
    /// Runs `sql` with `binds`; each row maps its column names to values.
    func rows(of sql: String, binds: [UsageSQLValue]) async throws -> [[String: UsageSQLValue]]
}

extension UsageStatsSource {
    /// Figures per group for requests that started at or after `since` (written by `instance`
    /// only, when given), busiest group first.
    package func stats(since: Date, grouping: UsageGrouping, instance: String? = nil) async throws -> [UsageStatsRow] {
        var binds: [UsageSQLValue] = [.integer(UsageRow.milliseconds(since))]
        if let instance { binds.append(.text(instance)) }
        let filtered = instance != nil
        let totals = try await rows(of: statements.totals(grouping, instance: filtered), binds: binds)
        var percentiles: [UsageLatencyColumn: [String: UsageStatsRow.Percentiles]] = [:]
        for column in UsageLatencyColumn.allCases {
            for row in try await rows(of: statements.percentiles(of: column, grouping, instance: filtered), binds: binds) {
                guard let group = row["grp"]?.string else { continue }
                percentiles[column, default: [:]][group] = .init(p50: row["p50"]?.double, p95: row["p95"]?.double)
            }
        }
        return totals.map { row in
            let group = row["grp"]?.string ?? "(none)"
            func count(_ column: String) -> Int { row[column]?.integer ?? 0 }
            return UsageStatsRow(
                group: group,
                requests: count("requests"),
                failures: count("failures"),
                failovers: count("failovers"),
                promptTokens: count("prompt_tokens"),
                completionTokens: count("completion_tokens"),
                costUSD: row["cost_usd"]?.double ?? 0,
                cacheHits: count("cache_hits"),
                semanticCacheHits: count("semantic_hits"),
                autoRequests: count("auto_requests"),
                cascades: count("cascades"),
                latencyMs: percentiles[.latency]?[group] ?? .init(),
                timeToFirstTokenMs: percentiles[.timeToFirstToken]?[group] ?? .init()
            )
        }
        .sorted { ($0.requests, $1.group) > ($1.requests, $0.group) }
    }
}
