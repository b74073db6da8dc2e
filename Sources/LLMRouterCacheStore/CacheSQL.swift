import LLMRouterCore
import NIOCore
import SQLiteNIO

/// The cache file's one table and every statement on it.
enum CacheSQL {
    static let prepare = [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
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

    static let upsert = """
        INSERT OR REPLACE INTO response_cache
            (key, body, provider, upstream_model, stored_at, expires_at, prompt_tokens, completion_tokens)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let deleteExpired = "DELETE FROM response_cache WHERE expires_at <= ?"
    static let deleteAll = "DELETE FROM response_cache"
    static let loadLive = "SELECT * FROM response_cache WHERE expires_at > ? ORDER BY stored_at"

    static func binds(_ key: CacheKey, _ answer: CachedAnswer) -> [SQLiteData] {
        [
            .text(key.digest),
            .blob(ByteBuffer(bytes: answer.body)),
            .text(answer.provider),
            answer.upstreamModel.map { .text($0) } ?? .null,
            .integer(Int(answer.storedAt)),
            .integer(Int(answer.expiresAt)),
            answer.promptTokens.map { .integer($0) } ?? .null,
            answer.completionTokens.map { .integer($0) } ?? .null,
        ]
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
