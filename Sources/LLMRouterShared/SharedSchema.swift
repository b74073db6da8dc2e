public import Logging
public import PostgresNIO

/// The tables llmrouter keeps in PostgreSQL and the steps that build them, one version at a
/// time. Every step only adds (tables, columns, indexes), so an instance of an older release
/// keeps working against a database a newer one migrated.
public enum SharedSchema {
    /// One version's statements; run in one transaction with the version's row.
    struct Migration: Sendable {
        var version: Int
        var statements: [String]
    }

    /// The advisory lock every migration holds for its transaction ("llmroute" in ASCII): two
    /// instances starting at once take turns, and the second finds nothing left to do.
    static let migrationLock: Int64 = 0x6c6c_6d72_6f75_7465

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            statements: [
                // One row per scope: the cool-down in force there or the last one. A longer
                // one replaces a shorter one, never the other way round.
                """
                CREATE TABLE IF NOT EXISTS llmrouter_cool_downs (
                    scope text PRIMARY KEY,
                    until timestamptz NOT NULL,
                    reason text NOT NULL,
                    kind text NOT NULL,
                    instance text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX IF NOT EXISTS llmrouter_cool_downs_until ON llmrouter_cool_downs (until)",
            ]
        ),
        Migration(
            version: 2,
            statements: [
                // One row per scope and window (`rpm:2026-12-05T23:41`, `rpd:2026-12-05`): the
                // calls or tokens every instance used there. A window's key names its date, so
                // a counter never comes back; rows past `expires_at` are deleted.
                """
                CREATE TABLE IF NOT EXISTS llmrouter_quota_counters (
                    scope text NOT NULL,
                    window_key text NOT NULL,
                    used bigint NOT NULL,
                    expires_at timestamptz NOT NULL,
                    PRIMARY KEY (scope, window_key)
                )
                """,
                "CREATE INDEX IF NOT EXISTS llmrouter_quota_counters_expires ON llmrouter_quota_counters (expires_at)",
                // Each running instance, seen at every periodic read: a stopped one's breakers
                // are no longer shown once it has not been seen for a while.
                """
                CREATE TABLE IF NOT EXISTS llmrouter_instances (
                    instance text PRIMARY KEY,
                    seen_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // Each instance's breaker per route, written when it changes.
                """
                CREATE TABLE IF NOT EXISTS llmrouter_breakers (
                    instance text NOT NULL,
                    route text NOT NULL,
                    state text NOT NULL,
                    since timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (instance, route)
                )
                """,
            ]
        ),
        usageLogMigration,
        accessKeysMigration,
        responseCacheMigration,
        learnedLimitsMigration,
    ]

    /// The newest version this release knows.
    public static var newestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// What a migration found and left.
    public struct Outcome: Sendable, Equatable {
        /// The version before, 0 for an empty database.
        public var from: Int
        public var to: Int

        public init(from: Int, to: Int) {
            self.from = from
            self.to = to
        }
    }

    /// Brings the database to ``newestVersion``; safe to run from many instances at once, and
    /// again (it then does nothing). A database a newer release migrated is left as it is.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> Outcome {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS llmrouter_schema_version (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var current = 0
            for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM llmrouter_schema_version", logger: logger)
                .decode(Int.self)
            {
                current = version
            }
            let from = current
            for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO llmrouter_schema_version (version) VALUES (\(migration.version))", logger: logger)
                current = migration.version
            }
            return Outcome(from: from, to: current)
        }
    }
}
