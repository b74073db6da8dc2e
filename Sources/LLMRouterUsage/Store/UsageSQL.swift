/// Every statement the usage log runs, in one place.
///
/// Written in the SQL that SQLite and PostgreSQL share, so a PostgreSQL store (postgres-nio, for
/// several instances) can run the same text: times are integer milliseconds since 1970 rather
/// than a dialect's timestamp type, flags are `SMALLINT` 0/1, percentiles use window functions
/// and integer arithmetic instead of `percentile_cont` or `ceil`. The differences left are
/// marked `PostgreSQL:`; binds are `?` (PostgreSQL numbers them `$1`, `$2`, ...).
enum UsageSQL {
    /// Stored in the `usage_schema` table (one row per version reached); a later layout bumps it
    /// and adds its step to ``migrations``.
    static let schemaVersion = 3

    /// The statements that bring a file at version `n - 1` to version `n`, keyed by `n`. A new
    /// file gets the current layout from ``createRequests`` directly and runs none of them.
    ///
    /// - 2: `endpoint`, the API a request called; rows written before it were all chat
    ///   completions, so the default names them correctly.
    /// - 3: `cache`, how the request met the response cache (`hit`, `semantic`, `miss`,
    ///   `bypass`); rows written before it have none, and their hits count as exact.
    static let migrations: [Int: [String]] = [
        2: ["ALTER TABLE requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat'"],
        3: ["ALTER TABLE requests ADD COLUMN cache TEXT"],
    ]

    /// Schema changes run in one transaction with their version row, so a crash leaves the file
    /// at the old version or the new one, never between. `IMMEDIATE` takes the write lock at once:
    /// two processes opening an old file together migrate it once, the second finding the new
    /// version when it re-reads it inside its own transaction.
    static let beginSchemaChange = "BEGIN IMMEDIATE"
    // PostgreSQL: `BEGIN; LOCK TABLE usage_schema IN EXCLUSIVE MODE`.
    /// A batch of inserts, written as several statements, commits once.
    static let beginBatch = "BEGIN"
    static let commit = "COMMIT"
    static let rollback = "ROLLBACK"

    static let createSchemaTable = """
        CREATE TABLE IF NOT EXISTS usage_schema (version INTEGER NOT NULL)
        """

    static let schemaVersionQuery = "SELECT MAX(version) AS version FROM usage_schema"
    static let insertSchemaVersion = "INSERT INTO usage_schema (version) VALUES (?)"

    /// One row per finished request, in the current layout. `attempts` is a JSON array of the
    /// providers considered, in order (provider, upstream_model, outcome, skip_reason,
    /// latency_ms); `endpoint` is `chat`, `embeddings`, `messages` or `responses`; `cache` is
    /// `hit`, `semantic`, `miss` or `bypass`, `NULL` while the response cache is off.
    static let createRequests = """
        CREATE TABLE IF NOT EXISTS requests (
            id INTEGER PRIMARY KEY,
            started_at_ms BIGINT NOT NULL,
            request_id TEXT NOT NULL,
            key_name TEXT,
            requested_model TEXT,
            endpoint TEXT NOT NULL DEFAULT 'chat',
            stream SMALLINT NOT NULL,
            provider TEXT,
            upstream_model TEXT,
            attempts TEXT NOT NULL,
            attempts_called INTEGER NOT NULL,
            failed_over SMALLINT NOT NULL,
            status INTEGER NOT NULL,
            error_code TEXT,
            latency_ms DOUBLE PRECISION NOT NULL,
            upstream_latency_ms DOUBLE PRECISION,
            ttft_ms DOUBLE PRECISION,
            prompt_tokens BIGINT,
            completion_tokens BIGINT,
            cost_usd DOUBLE PRECISION,
            cache_hit SMALLINT NOT NULL,
            cache TEXT
        )
        """
    // PostgreSQL: `id BIGSERIAL PRIMARY KEY`, `attempts JSONB`.

    static let createStartedAtIndex = "CREATE INDEX IF NOT EXISTS requests_started_at ON requests (started_at_ms)"

    /// The columns ``insertRequests(rows:)`` fills, in bind order.
    static let requestColumns = [
        "started_at_ms", "request_id", "key_name", "requested_model", "endpoint", "stream", "provider", "upstream_model",
        "attempts", "attempts_called", "failed_over", "status", "error_code", "latency_ms", "upstream_latency_ms",
        "ttft_ms", "prompt_tokens", "completion_tokens", "cost_usd", "cache_hit", "cache",
    ]

    /// One multi-row insert for a batch: a single statement is atomic without a transaction.
    static func insertRequests(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: requestColumns.count).joined(separator: ", ") + ")"
        return "INSERT INTO requests (\(requestColumns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Retention: rows that started before the bind go.
    static let deleteBefore = "DELETE FROM requests WHERE started_at_ms < ?"

    /// The newest rows first; binds: limit.
    static let recentRequests = """
        SELECT started_at_ms, request_id, key_name, requested_model, endpoint, stream, provider, upstream_model, attempts,
               status, error_code, latency_ms, upstream_latency_ms, ttft_ms, prompt_tokens, completion_tokens,
               cost_usd, cache_hit, cache
        FROM requests ORDER BY started_at_ms DESC, id DESC LIMIT ?
        """

    /// The grouping column of a stats query. A closed set of expressions, never client text.
    static func groupExpression(_ grouping: UsageGrouping) -> String {
        switch grouping {
        case .total: "'total'"
        case .provider: "COALESCE(provider, '(none)')"
        case .model: "COALESCE(requested_model, '(none)')"
        case .key: "COALESCE(key_name, '(none)')"
        case .endpoint: "endpoint"
        }
    }

    /// Counts and sums per group since the bind. A failure is an error status, or a stream that
    /// started (200) and then failed (it has an error code).
    static func totals(_ grouping: UsageGrouping) -> String {
        let group = groupExpression(grouping)
        return """
            SELECT \(group) AS grp,
                   COUNT(*) AS requests,
                   SUM(CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END) AS failures,
                   SUM(failed_over) AS failovers,
                   SUM(COALESCE(prompt_tokens, 0)) AS prompt_tokens,
                   SUM(COALESCE(completion_tokens, 0)) AS completion_tokens,
                   SUM(COALESCE(cost_usd, 0)) AS cost_usd,
                   SUM(cache_hit) AS cache_hits,
                   SUM(CASE WHEN cache = 'semantic' THEN 1 ELSE 0 END) AS semantic_hits
            FROM requests WHERE started_at_ms >= ?
            GROUP BY \(group)
            """
    }

    /// The nearest-rank p50 and p95 of `column` per group since the bind: rank ⌈p·n⌉ written
    /// as `(n * p + 99) / 100` in integer arithmetic.
    static func percentiles(of column: UsageLatencyColumn, _ grouping: UsageGrouping) -> String {
        let group = groupExpression(grouping)
        let value = column.rawValue
        return """
            SELECT grp,
                   MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
                   MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN v END) AS p95
            FROM (
                SELECT \(group) AS grp, \(value) AS v,
                       ROW_NUMBER() OVER (PARTITION BY \(group) ORDER BY \(value)) AS rn,
                       COUNT(*) OVER (PARTITION BY \(group)) AS n
                FROM requests WHERE started_at_ms >= ? AND \(value) IS NOT NULL
            ) ranked
            GROUP BY grp
            """
    }
}

/// How `llmrouter stats` splits its figures.
public enum UsageGrouping: String, Sendable, CaseIterable, Codable {
    /// One row for all traffic.
    case total
    /// By the provider that answered.
    case provider
    /// By the model the client asked for.
    case model
    /// By access key name.
    case key
    /// By the API called: `chat`, `embeddings`, `messages`, `responses`.
    case endpoint
}

/// The latency columns stats reports percentiles of.
enum UsageLatencyColumn: String {
    case latency = "latency_ms"
    case timeToFirstToken = "ttft_ms"
}
