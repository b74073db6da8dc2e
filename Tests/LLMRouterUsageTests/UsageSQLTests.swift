import Foundation
import LLMRouterCore
import LLMRouterUsage
import SQLiteNIO
import Testing

/// The usage log's statements come from one text for SQLite and PostgreSQL: only the table's
/// name, the id column, the placeholders and the delete's count differ.
struct UsageSQLTests {
    /// PostgreSQL's text brought back to SQLite's: `$n` binds to `?`, the table's name to `requests`.
    static func asSQLite(_ postgres: String) -> String {
        postgres.replacing(/\$[0-9]+/, with: "?").replacing("llmrouter_requests", with: "requests")
    }

    @Test(arguments: UsageGrouping.allCases, [false, true])
    func statsQueriesAreTheSameTextInBothDialects(grouping: UsageGrouping, instance: Bool) {
        let sqlite = UsageSQL.sqlite, postgres = UsageSQL.postgres
        #expect(Self.asSQLite(postgres.totals(grouping, instance: instance)) == sqlite.totals(grouping, instance: instance))
        for column in UsageLatencyColumn.allCases {
            #expect(Self.asSQLite(postgres.percentiles(of: column, grouping, instance: instance)) == sqlite.percentiles(of: column, grouping, instance: instance))
        }
        let binds = postgres.totals(grouping, instance: instance).matches(of: /\$([0-9]+)/).map { String($0.output.1) }
        #expect(binds == (instance ? ["1", "2"] : ["1"]))
    }

    @Test func rowStatementsAreTheSameTextInBothDialects() {
        let sqlite = UsageSQL.sqlite, postgres = UsageSQL.postgres
        for rows in [1, 16, 256] {
            #expect(Self.asSQLite(postgres.insertRequests(rows: rows)) == sqlite.insertRequests(rows: rows))
        }
        #expect(Self.asSQLite(postgres.recentRequests) == sqlite.recentRequests)
        #expect(Self.asSQLite(postgres.createStartedAtIndex) == sqlite.createStartedAtIndex)
        // PostgreSQL counts what it deleted in the same statement; SQLite asks `changes()`.
        #expect(Self.asSQLite(postgres.deleteBefore) == "WITH gone AS (\(sqlite.deleteBefore) RETURNING 1) SELECT count(*) AS n FROM gone")
        // The table's columns: only the id column is written differently.
        let create = Self.asSQLite(postgres.createRequests()).replacing("id BIGSERIAL PRIMARY KEY", with: "id INTEGER PRIMARY KEY")
        #expect(create == sqlite.createRequests())
    }

    @Test func anInsertNumbersItsPostgreSQLBindsInOrderAndBindsEveryColumn() throws {
        let width = UsageSQL.columns.count
        let statement = UsageSQL.postgres.insertRequests(rows: 3)
        let numbers = statement.matches(of: /\$([0-9]+)/).compactMap { Int($0.output.1) }
        #expect(numbers == Array(1...(3 * width)))
        #expect(UsageSQL.sqlite.insertRequests(rows: 3).count(where: { $0 == "?" }) == 3 * width)
        #expect(Set(UsageSQL.columns.map(\.name)).count == width, "each column once")

        var record = record("r1")
        record.autoTier = "simple"
        var binds: [SQLiteData] = []
        UsageRow.appendBinds(of: record, instance: "host-1", to: &binds)
        UsageRow.appendBinds(of: record, instance: nil, to: &binds)
        #expect(binds.count == 2 * width)
        let named = Dictionary(uniqueKeysWithValues: zip(UsageSQL.columns.map(\.name), binds.prefix(width)))
        #expect(named["request_id"] == .text("r1") && named["instance"] == .text("host-1") && named["auto_tier"] == .text("simple"))
        #expect(named["cascade_path"] == .null && named["status"] == .integer(200))
        let instanceColumn = try #require(UsageSQL.columns.firstIndex { $0.name == "instance" })
        #expect(binds[width + instanceColumn] == .null)
    }

    @Test func migrationsAddEachLayoutsColumnsAndTheTableIsTheirSum() {
        #expect(UsageSQL.sqlite.addColumns(of: 2) == ["ALTER TABLE requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat'"])
        #expect(UsageSQL.sqlite.addColumns(of: 3) == ["ALTER TABLE requests ADD COLUMN cache TEXT"])
        #expect(UsageSQL.sqlite.addColumns(of: UsageSQL.schemaVersion) == [
            "ALTER TABLE requests ADD COLUMN instance TEXT",
            "ALTER TABLE requests ADD COLUMN auto_tier TEXT",
            "ALTER TABLE requests ADD COLUMN cascade_path TEXT",
        ])
        #expect(UsageSQL.columns.allSatisfy { (1...UsageSQL.schemaVersion).contains($0.since) })
        let layoutThree = UsageSQL.sqlite.createRequests(layout: 3)
        #expect(layoutThree.contains("cache TEXT") && !layoutThree.contains("auto_tier"))
    }

    @Test func allTrafficIsOneGroupWithoutGroupingByAConstant() {
        let totals = UsageSQL.postgres.totals(.total, instance: false)
        #expect(totals.hasPrefix("SELECT 'total' AS grp"))
        #expect(!totals.contains("GROUP BY"))
        #expect(UsageSQL.postgres.totals(.tier, instance: true).hasSuffix("GROUP BY COALESCE(auto_tier, '(none)')"))
        #expect(UsageSQL.postgres.percentiles(of: .latency, .total, instance: false).contains("OVER ( ORDER BY latency_ms)"))
    }
}
