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
    ]

    /// The table's layout, kept in `PRAGMA user_version`. 0: a file from before layouts (or a new
    /// one), keyed by `key`; 2: appended in store order, without a key index.
    static let layout = 2

    /// Rows are appended in the order answers are stored, and nothing indexes them: reads never
    /// come to the file (it is loaded into memory at startup), and an index on the key, a digest
    /// in random order, made each batch rewrite pages all over it — measured, 11 KiB written per
    /// 600-byte answer, growing with the file, and the server's p99 with it. An answer stored
    /// again is a new row; loading takes the newest and deletes the older ones.
    static let createTable = """
        CREATE TABLE IF NOT EXISTS response_cache (
            key TEXT NOT NULL,
            body BLOB NOT NULL,
            provider TEXT NOT NULL,
            upstream_model TEXT,
            stored_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER
        )
        """

    /// A layout-0 file's table, keyed, copied into the appended layout in the order it was stored.
    static let migrateKeyedTable = [
        "ALTER TABLE response_cache RENAME TO response_cache_keyed",
        createTable,
        "INSERT INTO response_cache SELECT \(columns.joined(separator: ", ")) FROM response_cache_keyed ORDER BY stored_at, key",
        "DROP TABLE response_cache_keyed",
    ]

    /// Sets `connection` up and brings its table to ``layout``, in one transaction.
    /// - Throws: ``LaterLayout`` for a file a later llmrouter wrote, or SQLite's error.
    static func open(_ connection: SQLiteConnection) async throws {
        for statement in prepare { _ = try await connection.query(statement) }
        let found = try await connection.query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        if found == layout { return }
        guard found < layout else { throw LaterLayout(found: found) }
        let keyed = try await connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'response_cache'").first != nil
        _ = try await connection.query("BEGIN IMMEDIATE")
        do {
            for statement in keyed ? migrateKeyedTable : [createTable] { _ = try await connection.query(statement) }
            _ = try await connection.query("PRAGMA user_version = \(layout)")
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    struct LaterLayout: Error, CustomStringConvertible {
        var found: Int
        var description: String { "layout \(found), written by a later llmrouter (this one knows \(CacheSQL.layout))" }
    }

    /// The columns ``insert(rows:)`` fills, in bind order.
    static let columns = ["key", "body", "provider", "upstream_model", "stored_at", "expires_at", "prompt_tokens", "completion_tokens"]

    /// One statement appending `rows` entries.
    static func insert(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO response_cache (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    static let deleteExpired = "DELETE FROM response_cache WHERE expires_at <= ?"
    static let deleteAll = "DELETE FROM response_cache"
    /// Rows of a key stored again since: only the newest is loaded.
    static let deleteSuperseded = """
        DELETE FROM response_cache WHERE rowid IN (
            SELECT rowid FROM (
                SELECT rowid, ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowid DESC) AS newer FROM response_cache
            ) WHERE newer > 1
        )
        """
    /// Keeps the newest entries whose sizes (``CachedAnswer/byteCount``, summed newest first) fit
    /// in the bound bound to `?`: the file never holds more than memory could load back.
    static let trimToBytes = """
        DELETE FROM response_cache WHERE rowid IN (
            SELECT rowid FROM (
                SELECT rowid, SUM(length(body) + length(provider) + coalesce(length(upstream_model), 0) + 128)
                    OVER (ORDER BY rowid DESC ROWS UNBOUNDED PRECEDING) AS kept
                FROM response_cache
            ) WHERE kept > ?
        )
        """
    static let loadLive = "SELECT * FROM response_cache WHERE expires_at > ? ORDER BY rowid"
    static let countKeys = "SELECT COUNT(DISTINCT key) AS n FROM response_cache"

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
