import Foundation
import LLMRouterCore
import LLMRouterUsage
import SQLiteNIO
import Testing

/// A usage log left by an earlier release opens with this one: its rows keep their figures and
/// gain the columns added since, and new rows use them.
struct UsageSchemaMigrationTests {
    /// The `requests` table as schema version 1 created it, copied here rather than taken from
    /// `UsageSQL` so that changing the current layout cannot change what "old" means. Later old
    /// versions are built from it by ``statements(ofVersion:)``.
    static let versionOneStatements = [
        "CREATE TABLE usage_schema (version INTEGER NOT NULL)",
        "INSERT INTO usage_schema (version) VALUES (1)",
        """
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            started_at_ms BIGINT NOT NULL,
            request_id TEXT NOT NULL,
            key_name TEXT,
            requested_model TEXT,
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
            cache_hit SMALLINT NOT NULL
        )
        """,
        "CREATE INDEX requests_started_at ON requests (started_at_ms)",
    ]

    /// A file as schema version `version` left it: version 1's table, then each later
    /// version's added columns and version row, as the releases in between migrated it.
    static func statements(ofVersion version: Int) -> [String] {
        var statements = versionOneStatements
        for step in stride(from: 2, through: version, by: 1) {
            statements += UsageSQL.sqlite.addColumns(of: step) + ["INSERT INTO usage_schema (version) VALUES (\(step))"]
        }
        return statements
    }

    /// Runs `statements` on the file at `path` outside any store, returning the last one's rows.
    @discardableResult
    static func runRaw(_ statements: [String], at path: String) async throws -> [SQLiteRow] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: testLogger)
        var rows: [SQLiteRow] = []
        do {
            for statement in statements { rows = try await connection.query(statement) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return rows
    }

    static func versions(at path: String) async throws -> [Int] {
        try await runRaw(["SELECT version FROM usage_schema ORDER BY version"], at: path)
            .compactMap { $0.column("version")?.integer }
    }

    @Test func aVersionOneFileMigratesOnOpenAndKeepsItsRows() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("old.sqlite")
        let startedAtMs = Int((Date().timeIntervalSince1970 - 120) * 1000)
        try await Self.runRaw(Self.versionOneStatements + [
            """
            INSERT INTO requests (started_at_ms, request_id, key_name, requested_model, stream, provider, upstream_model,
                attempts, attempts_called, failed_over, status, latency_ms, prompt_tokens, completion_tokens, cache_hit)
            VALUES (\(startedAtMs), 'before-upgrade', 'team-a', 'llama', 0, 'groq', 'groq/llama',
                '[{"provider":"groq","outcome":"ok","latency_ms":41}]', 1, 0, 200, 42, 7, 9, 0)
            """,
        ], at: path)

        let store = try await UsageStore.open(path: path, logger: testLogger)
        let migrated = try await store.recentRequests(limit: 10)
        try await store.insert([record("after-upgrade", model: "embed-small", endpoint: "embeddings", tokens: (5, 0))])
        let rows = try await store.recentRequests(limit: 10)
        let byEndpoint = try await store.stats(since: Date().addingTimeInterval(-3600), grouping: .endpoint)
        await store.close()

        let old = try #require(migrated.first)
        #expect(migrated.count == 1)
        #expect(old.requestID == "before-upgrade" && old.endpoint == "chat")
        #expect(old.keyName == "team-a" && old.requestedModel == "llama" && old.provider == "groq")
        #expect(old.latencyMs == 42 && old.promptTokens == 7 && old.completionTokens == 9)
        #expect(old.attempts.map(\.provider) == ["groq"] && old.attempts.first?.latencyMs == 41)
        #expect(rows.map(\.requestID) == ["after-upgrade", "before-upgrade"])
        #expect(rows.map(\.endpoint) == ["embeddings", "chat"])
        #expect(rows.first?.requestedModel == "embed-small")
        #expect(byEndpoint.map { "\($0.group)=\($0.requests)/\($0.promptTokens)" } == ["chat=1/7", "embeddings=1/5"])
        #expect(try await Self.versions(at: path) == [1, 2, 3, 4])
    }

    @Test func openingAgainChangesNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("old.sqlite")
        try await Self.runRaw(Self.versionOneStatements, at: path)
        for round in 1...3 {
            let store = try await UsageStore.open(path: path, logger: testLogger)
            try await store.insert([record("round-\(round)", endpoint: "responses")])
            await store.close()
        }
        let reader = try await UsageStore.open(path: path, create: false, logger: testLogger)
        let rows = try await reader.recentRequests(limit: 10)
        await reader.close()
        #expect(Set(rows.map(\.requestID)) == ["round-1", "round-2", "round-3"])
        #expect(rows.allSatisfy { $0.endpoint == "responses" })
        #expect(try await Self.versions(at: path) == [1, 2, 3, 4])
        let columns = try await Self.runRaw(["SELECT name FROM pragma_table_info('requests') WHERE name = 'endpoint'"], at: path)
        #expect(columns.count == 1)
    }

    @Test func aNewFileStartsAtTheCurrentVersionWithTheEndpointColumn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("new.sqlite")
        let store = try await UsageStore.open(path: path, logger: testLogger)
        try await store.insert([record("fresh", endpoint: "messages")])
        let rows = try await store.recentRequests(limit: 1)
        await store.close()
        #expect(rows.map(\.endpoint) == ["messages"])
        #expect(try await Self.versions(at: path) == [UsageSQL.schemaVersion])
    }

    @Test func aFileFromANewerReleaseIsRefusedUntouched() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("future.sqlite")
        try await Self.runRaw(Self.versionOneStatements + ["INSERT INTO usage_schema (version) VALUES (9)"], at: path)
        let error = await #expect(throws: UsageStoreError.self) {
            _ = try await UsageStore.open(path: path, logger: testLogger)
        }
        #expect(error?.message.contains("schema version 9 is newer than this llmrouter knows (4)") == true)
        #expect(try await Self.versions(at: path) == [1, 9])
        let columns = try await Self.runRaw(["SELECT name FROM pragma_table_info('requests') WHERE name = 'endpoint'"], at: path)
        #expect(columns.isEmpty)
    }

    @Test func aVersionThreeFileGainsTheInstanceTierAndCascadeColumnsInPlace() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("v3.sqlite")
        let startedAtMs = Int((Date().timeIntervalSince1970 - 120) * 1000)
        try await Self.runRaw(Self.statements(ofVersion: 3) + [
            """
            INSERT INTO requests (started_at_ms, request_id, endpoint, stream, provider, attempts, attempts_called,
                failed_over, status, latency_ms, cache_hit, cache)
            VALUES (\(startedAtMs), 'before-upgrade', 'chat', 0, 'groq', '[]', 1, 0, 200, 12, 0, 'miss')
            """,
        ], at: path)

        let store = try await UsageStore.open(path: path, instance: "host-1-2", logger: testLogger)
        var auto = record("auto-step", model: "auto")
        auto.autoTier = "code"
        auto.cascade = "small -> large; reason=length"
        try await store.insert([auto])
        let rows = try await store.recentRequests(limit: 10)
        let byTier = try await store.stats(since: Date().addingTimeInterval(-3600), grouping: .tier)
        await store.close()

        let old = try #require(rows.first { $0.requestID == "before-upgrade" })
        #expect(old.cache == "miss" && old.latencyMs == 12)
        #expect(old.instance == nil && old.autoTier == nil && old.cascade == nil)
        let new = try #require(rows.first { $0.requestID == "auto-step" })
        #expect(new.instance == "host-1-2" && new.autoTier == "code" && new.cascade == "small -> large; reason=length")
        #expect(byTier.map { "\($0.group)=\($0.requests)/\($0.autoRequests)/\($0.cascades)" } == ["(none)=1/0/0", "code=1/1/1"])
        #expect(try await Self.versions(at: path) == [1, 2, 3, 4])
    }

    @Test func theGeneratedFirstLayoutIsTheFixtures() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let old = folder.path("v1.sqlite"), generated = folder.path("generated.sqlite")
        try await Self.runRaw(Self.versionOneStatements, at: old)
        try await Self.runRaw([UsageSQL.sqlite.createRequests(layout: 1)], at: generated)
        let query = ["SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('requests') ORDER BY cid"]
        let describe: ([SQLiteRow]) -> [String] = { $0.map { "\($0)" } }
        #expect(describe(try await Self.runRaw(query, at: old)) == describe(try await Self.runRaw(query, at: generated)))
    }
}
