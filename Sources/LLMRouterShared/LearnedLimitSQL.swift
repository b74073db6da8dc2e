#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging
import PostgresNIO

/// Every statement on `llmrouter_learned_limits`: one row per (scope, unit), the bucket with
/// the least left that is still in force, as ``LearnedLimits/merge(_:_:now:)`` merges locally.
enum LearnedLimitSQL {
    /// Where written buckets are announced.
    static let channel = "llmrouter_learned_limits"

    /// A row's identity, for coalescing the writes of one scope's bucket.
    struct Key: Hashable, Sendable {
        var scope: String
        var unit: RateLimitSignal.Window.Unit

        init(_ limit: SharedLearnedLimit) {
            scope = limit.scope
            unit = limit.unit
        }
    }

    /// What a `NOTIFY` on ``channel`` carries: one bucket, its reset in microseconds since 1970.
    struct Announcement: Decodable {
        var scope: String
        var unit: String
        var remaining: Int
        var limit: Int?
        var resetMicroseconds: Int64
        var instance: String

        enum CodingKeys: String, CodingKey {
            case scope, unit, remaining, limit, instance
            case resetMicroseconds = "reset_us"
        }

        /// `nil` for a unit this version does not know.
        var learned: SharedLearnedLimit? {
            RateLimitSignal.Window.Unit(rawValue: unit).map {
                SharedLearnedLimit(
                    scope: scope, unit: $0, remaining: remaining, limit: limit, resetAt: Date(timeIntervalSince1970: Double(resetMicroseconds) / 1_000_000)
                )
            }
        }
    }

    /// Writes `limits` in one statement, a row replacing the held one when it has less left or
    /// the held one's reset has passed (within one window, the later reset is kept); each row
    /// written is announced on ``channel`` at commit. Returns how many were written.
    static func publish(_ limits: [SharedLearnedLimit], instance: String, client: PostgresClient, logger: Logger) async throws -> Int {
        // One row per key in a statement: ON CONFLICT may not touch a row twice.
        var latest: [Key: SharedLearnedLimit] = [:]
        for limit in limits { latest[Key(limit)] = limit }
        let rows = Array(latest.values)
        // A size of 0 stands for "not named": bind arrays carry no NULLs here.
        let query: PostgresQuery = """
            WITH written AS (
                INSERT INTO llmrouter_learned_limits AS held (scope, unit, remaining, bucket_limit, reset_at, instance)
                SELECT scope, unit, remaining, nullif(bucket_limit, 0), reset_at, \(instance)
                FROM unnest(\(rows.map(\.scope))::text[], \(rows.map(\.unit.rawValue))::text[], \(rows.map { Int64($0.remaining) })::bigint[],
                    \(rows.map { Int64($0.limit ?? 0) })::bigint[], \(rows.map(\.resetAt))::timestamptz[])
                    AS offered (scope, unit, remaining, bucket_limit, reset_at)
                ON CONFLICT (scope, unit) DO UPDATE
                    SET remaining = excluded.remaining,
                        bucket_limit = coalesce(excluded.bucket_limit, held.bucket_limit),
                        reset_at = CASE
                            WHEN held.reset_at > now() AND abs(extract(epoch FROM excluded.reset_at - held.reset_at)) <= 1
                            THEN greatest(held.reset_at, excluded.reset_at) ELSE excluded.reset_at END,
                        instance = excluded.instance, updated_at = now()
                    WHERE held.reset_at <= now() OR excluded.remaining < held.remaining
                        OR (excluded.remaining = held.remaining AND excluded.reset_at > held.reset_at)
                RETURNING scope, unit, remaining, bucket_limit, reset_at, instance
            )
            SELECT count(pg_notify(\(channel), json_build_object(
                'scope', scope, 'unit', unit, 'remaining', remaining, 'limit', bucket_limit,
                'reset_us', (extract(epoch FROM reset_at) * 1000000)::bigint, 'instance', instance)::text))::bigint
            FROM written
            """
        return try await client.count(query, logger: logger)
    }

    /// The buckets whose reset has not passed, by the database's clock.
    static func inForce(client: PostgresClient, logger: Logger) async throws -> [SharedLearnedLimit] {
        var found: [SharedLearnedLimit] = []
        let rows = try await client.query(
            "SELECT scope, unit, remaining, bucket_limit, reset_at FROM llmrouter_learned_limits WHERE reset_at > now()", logger: logger
        )
        for try await (scope, unit, remaining, limit, reset) in rows.decode((String, String, Int64, Int64?, Date).self) {
            guard let unit = RateLimitSignal.Window.Unit(rawValue: unit) else { continue }
            found.append(SharedLearnedLimit(scope: scope, unit: unit, remaining: Int(remaining), limit: limit.map { Int($0) }, resetAt: reset))
        }
        return found
    }
}
