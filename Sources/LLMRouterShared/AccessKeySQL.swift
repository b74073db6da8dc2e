#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging
import PostgresNIO

/// Every statement on `llmrouter_access_keys` (``SharedSchema/accessKeysMigration``). The table
/// holds digests, limits and times, never a key; it is small (one row per key ever made), so an
/// instance reads it whole whenever it changes.
enum AccessKeySQL {
    /// Where the table's trigger announces each change (the payload: insert, update, delete, truncate).
    static let channel = "llmrouter_access_keys"

    /// A row that names no active key under this name: the same name among the active keys.
    static let uniqueViolation = "23505"

    static func insert(_ key: AccessKey, client: PostgresClient, logger: Logger) async throws {
        let limits = key.limits
        let query: PostgresQuery = """
            INSERT INTO llmrouter_access_keys (sha256, name, rpm, tokens_per_day, usd_per_day, models, admin)
            VALUES (\(AccessKey.hex(of: key.digest)), \(key.name), \(limits.requestsPerMinute), \(limits.tokensPerDay),
                    \(limits.usdPerDay), \(limits.allowedModels), \(key.isAdmin))
            """
        for try await _ in try await client.query(query, logger: logger) {}
    }

    /// Marks the active key named `name` revoked; returns whether there was one.
    static func revoke(name: String, client: PostgresClient, logger: Logger) async throws -> Bool {
        let query: PostgresQuery = """
            UPDATE llmrouter_access_keys SET revoked_at = now()
            WHERE name = \(name) AND revoked_at IS NULL
            RETURNING name
            """
        var revoked = false
        for try await _ in try await client.query(query, logger: logger).decode(String.self) {
            revoked = true
        }
        return revoked
    }

    /// The table's rows, oldest first; revoked ones only when asked for. A row whose columns
    /// make no key (written by hand around the checks) is left out and named in the log.
    static func records(includingRevoked: Bool, client: PostgresClient, logger: Logger) async throws -> [AccessKeyTable.Record] {
        let query: PostgresQuery = """
            SELECT name, sha256, rpm, tokens_per_day, usd_per_day, models, admin, created_at, revoked_at
            FROM llmrouter_access_keys
            WHERE \(includingRevoked) OR revoked_at IS NULL
            ORDER BY created_at, name
            """
        var records: [AccessKeyTable.Record] = []
        let rows = try await client.query(query, logger: logger)
            .decode((String, String, Int?, Int?, Double?, [String]?, Bool, Date, Date?).self)
        for try await (name, sha256, rpm, tokensPerDay, usdPerDay, models, admin, createdAt, revokedAt) in rows {
            guard AccessKey.isValidName(name), let digest = AccessKey.bytes(hex: sha256) else {
                logger.warning("unusable row in llmrouter_access_keys skipped", metadata: ["llmrouter.key": "\(name)"])
                continue
            }
            let limits = AccessKey.Limits(requestsPerMinute: rpm, tokensPerDay: tokensPerDay, allowedModels: models, usdPerDay: usdPerDay)
            records.append(
                AccessKeyTable.Record(key: AccessKey(name: name, digest: digest, limits: limits, isAdmin: admin), createdAt: createdAt, revokedAt: revokedAt)
            )
        }
        return records
    }
}
