import LLMRouterCore
import Logging
import NIOCore
import PostgresNIO

/// Every statement on `llmrouter_response_cache` and its clear marker (schema version 5).
enum ResponseCacheSQL {
    /// The live entry under `key` at `now` (milliseconds since 1970); `nil` when there is none.
    static func entry(_ key: CacheKey, now: Int64, client: PostgresClient, logger: Logger) async throws -> CachedAnswer? {
        let rows = try await client.query(
            """
            SELECT body, provider, upstream_model, stored_at, expires_at, prompt_tokens, completion_tokens
            FROM llmrouter_response_cache WHERE key = \(key.digest) AND expires_at > \(now)
            """,
            logger: logger
        )
        var found: CachedAnswer?
        for try await (body, provider, model, storedAt, expiresAt, prompt, completion)
            in rows.decode((ByteBuffer, String, String?, Int64, Int64, Int64?, Int64?).self)
        {
            found = CachedAnswer(
                body: Array(body.readableBytesView), provider: provider, upstreamModel: model, storedAt: storedAt,
                expiresAt: expiresAt, promptTokens: prompt.map { Int($0) }, completionTokens: completion.map { Int($0) }
            )
        }
        return found
    }

    /// The entries of one batch, one per key (a statement's `ON CONFLICT` may touch a row only
    /// once): the latest stored wins, and on a tie the later in the batch.
    static func latestPerKey(_ entries: [(key: CacheKey, answer: CachedAnswer)]) -> [(key: CacheKey, answer: CachedAnswer)] {
        var position: [CacheKey: Int] = [:]
        var kept: [(key: CacheKey, answer: CachedAnswer)] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            if let index = position[entry.key] {
                if entry.answer.storedAt >= kept[index].answer.storedAt { kept[index] = entry }
            } else {
                position[entry.key] = kept.count
                kept.append(entry)
            }
        }
        return kept
    }

    /// Writes `entries` in one statement. A row replaces one only when stored no earlier, and
    /// an entry stored before the last clear is refused. Returns how many rows were written.
    static func store(_ entries: [(key: CacheKey, answer: CachedAnswer)], client: PostgresClient, logger: Logger) async throws -> Int {
        let rows = latestPerKey(entries)
        // No arrays of optionals in PostgresNIO: '' and -1 stand for NULL and NULLIF turns them back.
        let keys = rows.map { $0.key.digest }
        let bodies = rows.map { ByteBuffer(bytes: $0.answer.body) }
        let providers = rows.map { $0.answer.provider }
        let models = rows.map { $0.answer.upstreamModel ?? "" }
        let storedAt = rows.map { $0.answer.storedAt }
        let expiresAt = rows.map { $0.answer.expiresAt }
        let prompt = rows.map { Int64($0.answer.promptTokens ?? -1) }
        let completion = rows.map { Int64($0.answer.completionTokens ?? -1) }
        let query: PostgresQuery = """
            WITH written AS (
                INSERT INTO llmrouter_response_cache AS held
                    (key, body, provider, upstream_model, stored_at, expires_at, prompt_tokens, completion_tokens)
                SELECT key, body, provider, nullif(model, ''), stored_at, expires_at, nullif(prompt, -1), nullif(completion, -1)
                FROM unnest(\(keys)::text[], \(bodies)::bytea[], \(providers)::text[], \(models)::text[],
                        \(storedAt)::bigint[], \(expiresAt)::bigint[], \(prompt)::bigint[], \(completion)::bigint[])
                    AS offered (key, body, provider, model, stored_at, expires_at, prompt, completion)
                WHERE stored_at > coalesce((SELECT cleared_at FROM llmrouter_response_cache_cleared), 0)
                ON CONFLICT (key) DO UPDATE
                    SET body = excluded.body, provider = excluded.provider, upstream_model = excluded.upstream_model,
                        stored_at = excluded.stored_at, expires_at = excluded.expires_at,
                        prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens
                    WHERE excluded.stored_at >= held.stored_at
                RETURNING 1
            )
            SELECT count(*)::bigint FROM written
            """
        return try await count(query, client: client, logger: logger)
    }

    /// Deletes every entry and marks the cache cleared at `now`, in one statement (so one
    /// transaction). Returns how many entries there were.
    static func clear(now: Int64, client: PostgresClient, logger: Logger) async throws -> Int {
        let query: PostgresQuery = """
            WITH marked AS (
                UPDATE llmrouter_response_cache_cleared SET cleared_at = greatest(cleared_at, \(now)) RETURNING cleared_at
            ), deleted AS (
                DELETE FROM llmrouter_response_cache RETURNING 1
            )
            SELECT count(*)::bigint FROM deleted
            """
        return try await count(query, client: client, logger: logger)
    }

    /// When the cache was last cleared, milliseconds since 1970 (0: never).
    static func clearedAt(client: PostgresClient, logger: Logger) async throws -> Int64 {
        var clearedAt: Int64 = 0
        let rows = try await client.query("SELECT cleared_at FROM llmrouter_response_cache_cleared", logger: logger)
        for try await value in rows.decode(Int64.self) {
            clearedAt = value
        }
        return clearedAt
    }

    /// Deletes the entries expired at `now`; returns how many.
    static func deleteExpired(now: Int64, client: PostgresClient, logger: Logger) async throws -> Int {
        let query: PostgresQuery = """
            WITH deleted AS (DELETE FROM llmrouter_response_cache WHERE expires_at <= \(now) RETURNING 1)
            SELECT count(*)::bigint FROM deleted
            """
        return try await count(query, client: client, logger: logger)
    }

    private static func count(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> Int {
        var total = 0
        for try await value in try await client.query(query, logger: logger).decode(Int64.self) {
            total = Int(value)
        }
        return total
    }
}
