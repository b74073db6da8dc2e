/// Every statement the usage log runs, in one place, for both of its stores: the SQLite file
/// (``UsageStore``) and the PostgreSQL table instances share (`PostgresUsageStore`, in
/// LLMRouterShared).
///
/// One text serves both: times are integer milliseconds since 1970 rather than a dialect's
/// timestamp type, flags are `SMALLINT` 0/1, percentiles use window functions and integer
/// arithmetic instead of `percentile_cont` or `ceil`, and sums PostgreSQL would widen to
/// `numeric` are cast back to `BIGINT`. What differs is a property of the ``Dialect``: the
/// table's name, its id column, the bind placeholders (`?`, or `$1`, `$2`, ...) and how a
/// delete counts its rows. Columns are listed once, in ``columns``: the table, the migrations
/// of an older file and every insert are built from that list.
package struct UsageSQL: Sendable {
    package enum Dialect: Sendable {
        case sqlite
        case postgres
    }

    package let dialect: Dialect
    /// `requests` in the usage log's own file; `llmrouter_requests` in a database that may hold
    /// other applications' tables, named like llmrouter's other tables there.
    package let table: String

    /// The SQLite file's statements.
    package static let sqlite = UsageSQL(dialect: .sqlite, table: "requests")
    /// The shared PostgreSQL table's statements.
    package static let postgres = UsageSQL(dialect: .postgres, table: "llmrouter_requests")

    /// One column of the table.
    package struct Column: Sendable, Equatable {
        package var name: String
        package var type: String
        /// The SQLite layout (``schemaVersion``) that added it; 1 for the first.
        package var since: Int

        init(_ name: String, _ type: String, since: Int = 1) {
            self.name = name
            self.type = type
            self.since = since
        }
    }

    /// Every column but the id, in the order ``insertRequests(rows:)`` binds them
    /// (``UsageRow/appendBinds(of:instance:to:)``). Columns are only ever added, at the end.
    /// `attempts` is a JSON array of the providers considered, in order (provider,
    /// upstream_model, outcome, skip_reason, latency_ms); `endpoint` is `chat`, `embeddings`,
    /// `messages` or `responses`; `cache` is `hit`, `semantic`, `miss` or `bypass`, `NULL` while
    /// the response cache is off; `instance` names the llmrouter process that wrote the row;
    /// `auto_tier` is the tier `model: auto` chose, `cascade_path` a cascade's path
    /// (`a -> b; reason=length`), on both of its steps' rows.
    package static let columns: [Column] = [
        Column("started_at_ms", "BIGINT NOT NULL"),
        Column("request_id", "TEXT NOT NULL"),
        Column("key_name", "TEXT"),
        Column("requested_model", "TEXT"),
        Column("endpoint", "TEXT NOT NULL DEFAULT 'chat'", since: 2),
        Column("stream", "SMALLINT NOT NULL"),
        Column("provider", "TEXT"),
        Column("upstream_model", "TEXT"),
        Column("attempts", "TEXT NOT NULL"),
        Column("attempts_called", "INTEGER NOT NULL"),
        Column("failed_over", "SMALLINT NOT NULL"),
        Column("status", "INTEGER NOT NULL"),
        Column("error_code", "TEXT"),
        Column("latency_ms", "DOUBLE PRECISION NOT NULL"),
        Column("upstream_latency_ms", "DOUBLE PRECISION"),
        Column("ttft_ms", "DOUBLE PRECISION"),
        Column("prompt_tokens", "BIGINT"),
        Column("completion_tokens", "BIGINT"),
        Column("cost_usd", "DOUBLE PRECISION"),
        Column("cache_hit", "SMALLINT NOT NULL"),
        Column("cache", "TEXT", since: 3),
        Column("instance", "TEXT", since: 4),
        Column("auto_tier", "TEXT", since: 4),
        Column("cascade_path", "TEXT", since: 4),
    ]

    // MARK: Layout

    /// The SQLite file's layout, stored in its `usage_schema` table (one row per version
    /// reached). A new column bumps it and names it in its ``Column/since``.
    ///
    /// - 2: `endpoint`; rows written before it were all chat completions, so the default
    ///   names them correctly.
    /// - 3: `cache`; rows written before it have none, and their hits count as exact.
    /// - 4: `instance`, `auto_tier`, `cascade_path`; older rows have none.
    package static let schemaVersion = 4

    /// `CREATE TABLE` with the columns of `layout` (the current one by default): what a new
    /// SQLite file gets, and what the PostgreSQL migration that added the table created.
    package func createRequests(layout: Int = UsageSQL.schemaVersion) -> String {
        let id = dialect == .sqlite ? "id INTEGER PRIMARY KEY" : "id BIGSERIAL PRIMARY KEY"
        let columns = Self.columns.filter { $0.since <= layout }.map { "    \($0.name) \($0.type)" }
        return "CREATE TABLE IF NOT EXISTS \(table) (\n    \(id),\n" + columns.joined(separator: ",\n") + "\n)"
    }

    package var createStartedAtIndex: String {
        "CREATE INDEX IF NOT EXISTS \(table)_started_at ON \(table) (started_at_ms)"
    }

    /// The statements that add layout `version`'s columns to a table of the layout before.
    package func addColumns(of version: Int) -> [String] {
        Self.columns.filter { $0.since == version }.map { "ALTER TABLE \(table) ADD COLUMN \($0.name) \($0.type)" }
    }

    // MARK: SQLite's own bookkeeping (PostgreSQL versions its tables in `llmrouter_schema_version`)

    /// Schema changes run in one transaction with their version row, so a crash leaves the file
    /// at the old version or the new one, never between. `IMMEDIATE` takes the write lock at once:
    /// two processes opening an old file together migrate it once, the second finding the new
    /// version when it re-reads it inside its own transaction.
    static let beginSchemaChange = "BEGIN IMMEDIATE"
    /// A batch of inserts, written as several statements, commits once.
    static let beginBatch = "BEGIN"
    static let commit = "COMMIT"
    static let rollback = "ROLLBACK"
    static let createSchemaTable = "CREATE TABLE IF NOT EXISTS usage_schema (version INTEGER NOT NULL)"
    static let schemaVersionQuery = "SELECT MAX(version) AS version FROM usage_schema"
    static let insertSchemaVersion = "INSERT INTO usage_schema (version) VALUES (?)"

    // MARK: Rows

    /// The `index`th bind (from 1).
    package func placeholder(_ index: Int) -> String {
        dialect == .sqlite ? "?" : "$\(index)"
    }

    /// One multi-row insert for `rows` records: a single statement is atomic without a transaction.
    package func insertRequests(rows: Int) -> String {
        let width = Self.columns.count
        var sql = "INSERT INTO \(table) (" + Self.columns.map(\.name).joined(separator: ", ") + ") VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * width * (dialect == .sqlite ? 3 : 7))
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for column in 1...width {
                if column > 1 { sql += ", " }
                sql += placeholder(row * width + column)
            }
            sql += ")"
        }
        return sql
    }

    /// Retention: rows that started before the bind go. PostgreSQL counts them in the same
    /// statement (as `n`); SQLite's store asks `changes()` afterwards.
    package var deleteBefore: String {
        let delete = "DELETE FROM \(table) WHERE started_at_ms < \(placeholder(1))"
        return dialect == .sqlite ? delete : "WITH gone AS (\(delete) RETURNING 1) SELECT count(*) AS n FROM gone"
    }

    /// The newest rows first; binds: limit.
    package var recentRequests: String {
        """
        SELECT started_at_ms, request_id, key_name, requested_model, endpoint, stream, provider, upstream_model, attempts,
               status, error_code, latency_ms, upstream_latency_ms, ttft_ms, prompt_tokens, completion_tokens,
               cost_usd, cache_hit, cache, instance, auto_tier, cascade_path
        FROM \(table) ORDER BY started_at_ms DESC, id DESC LIMIT \(placeholder(1))
        """
    }

    // MARK: Stats

    /// The grouping column of a stats query, `nil` for all traffic as one group. A closed set
    /// of expressions, never client text.
    static func groupExpression(_ grouping: UsageGrouping) -> String? {
        switch grouping {
        case .total: nil
        case .provider: "COALESCE(provider, '(none)')"
        case .model: "COALESCE(requested_model, '(none)')"
        case .key: "COALESCE(key_name, '(none)')"
        case .endpoint: "endpoint"
        case .tier: "COALESCE(auto_tier, '(none)')"
        case .instance: "COALESCE(instance, '(none)')"
        }
    }

    /// The rows a stats query reads: binds are the start, then (with `instance`) its name.
    func statsFilter(instance: Bool) -> String {
        "started_at_ms >= \(placeholder(1))" + (instance ? " AND instance = \(placeholder(2))" : "")
    }

    /// Counts and sums per group. A failure is an error status, or a stream that started (200)
    /// and then failed (it has an error code). A cascade's two steps are two rows of one
    /// request id, counted once. All traffic is one group without `GROUP BY` (PostgreSQL
    /// refuses to group by a constant), so it has a row even when no request matched.
    package func totals(_ grouping: UsageGrouping, instance: Bool) -> String {
        let group = Self.groupExpression(grouping)
        return """
            SELECT \(group ?? "'total'") AS grp,
                   COUNT(*) AS requests,
                   SUM(CASE WHEN status >= 400 OR error_code IS NOT NULL THEN 1 ELSE 0 END) AS failures,
                   SUM(failed_over) AS failovers,
                   CAST(SUM(COALESCE(prompt_tokens, 0)) AS BIGINT) AS prompt_tokens,
                   CAST(SUM(COALESCE(completion_tokens, 0)) AS BIGINT) AS completion_tokens,
                   SUM(COALESCE(cost_usd, 0)) AS cost_usd,
                   SUM(cache_hit) AS cache_hits,
                   SUM(CASE WHEN cache = 'semantic' THEN 1 ELSE 0 END) AS semantic_hits,
                   SUM(CASE WHEN auto_tier IS NOT NULL THEN 1 ELSE 0 END) AS auto_requests,
                   COUNT(DISTINCT CASE WHEN cascade_path IS NOT NULL THEN request_id END) AS cascades
            FROM \(table) WHERE \(statsFilter(instance: instance))
            """ + (group.map { "\nGROUP BY \($0)" } ?? "")
    }

    /// The nearest-rank p50 and p95 of `column` per group: rank ⌈p·n⌉ written as
    /// `(n * p + 99) / 100` in integer arithmetic.
    package func percentiles(of column: UsageLatencyColumn, _ grouping: UsageGrouping, instance: Bool) -> String {
        let group = Self.groupExpression(grouping)
        let partition = group.map { "PARTITION BY \($0)" } ?? ""
        let value = column.rawValue
        return """
            SELECT grp,
                   MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
                   MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN v END) AS p95
            FROM (
                SELECT \(group ?? "'total'") AS grp, \(value) AS v,
                       ROW_NUMBER() OVER (\(partition) ORDER BY \(value)) AS rn,
                       COUNT(*) OVER (\(partition)) AS n
                FROM \(table) WHERE \(statsFilter(instance: instance)) AND \(value) IS NOT NULL
            ) ranked
            GROUP BY grp
            """
    }
}

/// The latency columns stats reports percentiles of.
package enum UsageLatencyColumn: String, Sendable, CaseIterable {
    case latency = "latency_ms"
    case timeToFirstToken = "ttft_ms"
}
