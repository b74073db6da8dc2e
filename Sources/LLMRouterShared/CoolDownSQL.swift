#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging
import PostgresNIO

/// Every statement on `llmrouter_cool_downs`. The table holds one row per scope, so it stays
/// as small as the configuration's list of scopes and needs no pruning.
enum CoolDownSQL {
    /// Where written cool-downs are announced.
    static let channel = "llmrouter_cool_downs"

    /// What a `NOTIFY` on ``channel`` carries: one cool-down, its end in microseconds since 1970.
    struct Announcement: Decodable {
        var scope: String
        var untilMicroseconds: Int64
        var reason: String
        var instance: String

        enum CodingKeys: String, CodingKey {
            case scope, reason, instance
            case untilMicroseconds = "until_us"
        }

        var coolDown: SharedCoolDown {
            SharedCoolDown(scope: scope, until: Date(timeIntervalSince1970: Double(untilMicroseconds) / 1_000_000), reason: reason)
        }
    }

    /// Writes `coolDowns` in one statement: a row replaces one only when it ends later, and every
    /// row written is announced on ``channel`` when the statement commits. Returns how many were
    /// written (the rest lost to a longer cool-down already there).
    static func publish(_ coolDowns: [SharedCoolDown], instance: String, client: PostgresClient, logger: Logger) async throws -> Int {
        // One row per scope in a statement: ON CONFLICT may not touch a row twice.
        var latest: [String: SharedCoolDown] = [:]
        for coolDown in coolDowns where (latest[coolDown.scope]?.until ?? .distantPast) < coolDown.until {
            latest[coolDown.scope] = coolDown
        }
        let rows = Array(latest.values)
        let query: PostgresQuery = """
            WITH written AS (
                INSERT INTO llmrouter_cool_downs AS held (scope, until, reason, kind, instance)
                SELECT scope, until, reason, kind, \(instance)
                FROM unnest(\(rows.map(\.scope))::text[], \(rows.map(\.until))::timestamptz[], \(rows.map(\.reason))::text[], \(rows.map(\.kind))::text[])
                    AS offered (scope, until, reason, kind)
                ON CONFLICT (scope) DO UPDATE
                    SET until = excluded.until, reason = excluded.reason, kind = excluded.kind,
                        instance = excluded.instance, updated_at = now()
                    WHERE excluded.until > held.until
                RETURNING scope, until, reason, instance
            )
            SELECT count(pg_notify(\(channel), json_build_object(
                'scope', scope, 'until_us', (extract(epoch FROM until) * 1000000)::bigint,
                'reason', reason, 'instance', instance)::text))::bigint
            FROM written
            """
        return try await client.count(query, logger: logger)
    }

    /// The cool-downs in force now, by the database's clock.
    static func inForce(client: PostgresClient, logger: Logger) async throws -> [SharedCoolDown] {
        var found: [SharedCoolDown] = []
        let rows = try await client.query("SELECT scope, until, reason FROM llmrouter_cool_downs WHERE until > now()", logger: logger)
        for try await (scope, until, reason) in rows.decode((String, Date, String).self) {
            found.append(SharedCoolDown(scope: scope, until: until, reason: reason))
        }
        return found
    }
}
