import LLMRouterCore
import NIOCore
import SQLiteNIO

/// The cache file's one table and every statement on it.
enum CacheSQL {
    static let prepare = [
        "PRAGMA journal_mode=WAL",
        // No fsync: measured, the fsyncs of the write-ahead log's checkpoints put half a
        // millisecond on the server's p99 when every answer is stored. A crash that breaks the
        // file costs the cached answers only: the file is set aside at the next start.
        "PRAGMA synchronous=OFF",
        "PRAGMA busy_timeout=5000",
        """
        CREATE TABLE IF NOT EXISTS response_cache (
            key TEXT PRIMARY KEY,
            body BLOB NOT NULL,
            provider TEXT NOT NULL,
            upstream_model TEXT,
            stored_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER
        )
        """,
    ]

    /// The columns ``upsert(rows:)`` fills, in bind order.
    static let columns = ["key", "body", "provider", "upstream_model", "stored_at", "expires_at", "prompt_tokens", "completion_tokens"]

    /// One statement storing `rows` entries; a later row replaces an earlier one of the same key.
    static func upsert(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT OR REPLACE INTO response_cache (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    static let deleteExpired = "DELETE FROM response_cache WHERE expires_at <= ?"
    static let deleteAll = "DELETE FROM response_cache"
    /// Keeps the newest entries whose sizes (``CachedAnswer/byteCount``, summed newest first) fit
    /// in the bound bound to `?`: the file never holds more than memory could load back.
    static let trimToBytes = """
        DELETE FROM response_cache WHERE key IN (
            SELECT key FROM (
                SELECT key, SUM(length(body) + length(provider) + coalesce(length(upstream_model), 0) + 128)
                    OVER (ORDER BY stored_at DESC, key ROWS UNBOUNDED PRECEDING) AS kept
                FROM response_cache
            ) WHERE kept > ?
        )
        """
    static let loadLive = "SELECT * FROM response_cache WHERE expires_at > ? ORDER BY stored_at"

    /// Appends the binds of one entry, in ``columns`` order, to a statement's one array.
    static func appendBinds(_ key: CacheKey, _ answer: CachedAnswer, to binds: inout [SQLiteData]) {
        binds.append(.text(key.digest))
        binds.append(.blob(ByteBuffer(bytes: answer.body)))
        binds.append(.text(answer.provider))
        binds.append(answer.upstreamModel.map { .text($0) } ?? .null)
        binds.append(.integer(Int(answer.storedAt)))
        binds.append(.integer(Int(answer.expiresAt)))
        binds.append(answer.promptTokens.map { .integer($0) } ?? .null)
        binds.append(answer.completionTokens.map { .integer($0) } ?? .null)
    }

    static func entry(from row: SQLiteRow) -> (CacheKey, CachedAnswer)? {
        guard let digest = row.column("key")?.string,
            case .blob(let body)? = row.column("body"),
            let provider = row.column("provider")?.string,
            let storedAt = row.column("stored_at")?.integer,
            let expiresAt = row.column("expires_at")?.integer
        else { return nil }
        let answer = CachedAnswer(
            body: Array(body.readableBytesView),
            provider: provider,
            upstreamModel: row.column("upstream_model")?.string,
            storedAt: Int64(storedAt),
            expiresAt: Int64(expiresAt),
            promptTokens: row.column("prompt_tokens")?.integer,
            completionTokens: row.column("completion_tokens")?.integer
        )
        return (CacheKey(digest: digest), answer)
    }
}
