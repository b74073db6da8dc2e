#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging
import PostgresNIO

/// Every statement on `llmrouter_quota_counters`: one row per (scope, window), the use of every
/// instance summed.
enum QuotaSQL {
    /// A counter's row: the scope and the window's key (`rpm:2026-12-05T23:41`, `rpd:2026-12-05`).
    struct Key: Hashable, Sendable {
        var scope: String
        var window: String
    }

    /// How long a window's row outlives its end: a minute's stays while it still weighs in a
    /// sliding minute (and a little), a day's for another day.
    static func expiry(of usage: SharedQuotaUsage) -> Date {
        Date(timeIntervalSince1970: Double(usage.windowEnd + (usage.counter.isPerMinute ? 180 : 86_400)))
    }

    /// The key of `usage`'s window: the counter and the window's start in UTC, to the minute for
    /// per-minute counters, to the day for daily ones.
    static func key(of usage: SharedQuotaUsage) -> Key {
        let start = Date(timeIntervalSince1970: Double(usage.windowStart))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        var window = "\(usage.counter.rawValue):\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))"
        if usage.counter.isPerMinute { window += "T\(two(parts.hour)):\(two(parts.minute))" }
        return Key(scope: usage.scope, window: window)
    }

    /// One hand-over of an instance's use: numbered, so sending it again adds nothing.
    struct Batch: Sendable {
        /// Increases by one per hand-over of the instance.
        var number: Int64
        var rows: [Key: SharedQuotaUsage]
    }

    /// Adds each row's use (those above zero) to its counter and returns the totals of every
    /// row's counter, in one statement. Rows are written in key order, so two instances adding
    /// to the same counters lock them in the same order and never deadlock.
    ///
    /// The use is added only when `batch` is newer than the instance's last one counted: a
    /// batch whose statement committed but whose answer was lost (a timeout) is sent again
    /// and only reads the totals. A first attempt still running holds the instance's row, so
    /// the second waits for it and then finds it counted.
    static func reconcile(_ batch: Batch, instance: String, client: PostgresClient, logger: Logger) async throws -> [Key: Int] {
        let keys = Array(batch.rows.keys)
        let used = keys.map { Int64(batch.rows[$0]?.used ?? 0) }
        let expires = keys.map { batch.rows[$0].map(expiry(of:)) ?? Date() }
        let query: PostgresQuery = """
            WITH fresh AS (
                INSERT INTO llmrouter_quota_batches AS held (instance, batch) VALUES (\(instance), \(batch.number))
                ON CONFLICT (instance) DO UPDATE SET batch = excluded.batch, updated_at = now() WHERE held.batch < excluded.batch
                RETURNING batch
            ), offered AS (
                SELECT * FROM unnest(\(keys.map(\.scope))::text[], \(keys.map(\.window))::text[], \(used)::bigint[], \(expires)::timestamptz[])
                    AS offered (scope, window_key, used, expires_at)
            ), written AS (
                INSERT INTO llmrouter_quota_counters AS counted (scope, window_key, used, expires_at)
                SELECT scope, window_key, used, expires_at FROM offered
                WHERE used > 0 AND EXISTS (SELECT 1 FROM fresh) ORDER BY scope, window_key
                ON CONFLICT (scope, window_key) DO UPDATE SET used = counted.used + excluded.used
                RETURNING scope, window_key, used
            )
            SELECT scope, window_key, used FROM written
            UNION ALL
            SELECT counted.scope, counted.window_key, counted.used
            FROM llmrouter_quota_counters AS counted JOIN offered USING (scope, window_key)
            WHERE offered.used = 0 OR NOT EXISTS (SELECT 1 FROM fresh)
            """
        var totals: [Key: Int] = [:]
        for try await (scope, window, total) in try await client.query(query, logger: logger).decode((String, String, Int64).self) {
            totals[Key(scope: scope, window: window)] = Int(total)
        }
        return totals
    }

    /// Deletes the counters of windows long over. Returns how many.
    static func prune(client: PostgresClient, logger: Logger) async throws -> Int {
        let query: PostgresQuery = "WITH gone AS (DELETE FROM llmrouter_quota_counters WHERE expires_at < now() RETURNING 1) SELECT count(*)::bigint FROM gone"
        return try await client.count(query, logger: logger)
    }
}

/// Every statement on `llmrouter_breakers` and `llmrouter_instances`.
enum BreakerSQL {
    /// Writes this instance's breaker states (one row per route, replaced).
    static func publish(_ states: [SharedBreakerState], instance: String, client: PostgresClient, logger: Logger) async throws {
        let query: PostgresQuery = """
            INSERT INTO llmrouter_breakers AS held (instance, route, state, since)
            SELECT \(instance), route, state, since
            FROM unnest(\(states.map(\.route))::text[], \(states.map(\.state))::text[], \(states.map(\.since))::timestamptz[]) AS offered (route, state, since)
            ON CONFLICT (instance, route) DO UPDATE SET state = excluded.state, since = excluded.since, updated_at = now()
            """
        _ = try await client.query(query, logger: logger).collect()
    }

    /// Says this instance is running (unless it left: a note still on its way at a graceful stop
    /// must not bring it back), and reads the breakers of the others seen within `alive`.
    static func others(instance: String, alive: Duration, client: PostgresClient, logger: Logger) async throws -> [String: [RemoteBreakerState]] {
        let seconds = alive.seconds
        let query: PostgresQuery = """
            WITH seen AS (
                INSERT INTO llmrouter_instances AS noted (instance, seen_at) VALUES (\(instance), now())
                ON CONFLICT (instance) DO UPDATE SET seen_at = now() WHERE noted.seen_at <> '-infinity'
            )
            SELECT held.instance, held.route, held.state, held.since
            FROM llmrouter_breakers AS held JOIN llmrouter_instances AS running USING (instance)
            WHERE held.instance <> \(instance) AND running.seen_at > now() - make_interval(secs => \(seconds))
            """
        var found: [String: [RemoteBreakerState]] = [:]
        for try await (other, route, state, since) in try await client.query(query, logger: logger).decode((String, String, String, Date).self) {
            found[route, default: []].append(RemoteBreakerState(instance: other, state: state, since: since))
        }
        return found
    }

    /// Forgets instances not seen for a day, their breakers, and the hand-overs of instances
    /// gone for two days.
    static func prune(client: PostgresClient, logger: Logger) async throws {
        _ = try await client.query("DELETE FROM llmrouter_quota_batches WHERE updated_at < now() - interval '2 days'", logger: logger).collect()
        _ = try await client.query("DELETE FROM llmrouter_instances WHERE seen_at < now() - interval '1 day'", logger: logger).collect()
        _ = try await client.query(
            "DELETE FROM llmrouter_breakers AS held WHERE NOT EXISTS (SELECT 1 FROM llmrouter_instances AS running WHERE running.instance = held.instance) AND held.updated_at < now() - interval '1 day'",
            logger: logger
        ).collect()
    }
}
