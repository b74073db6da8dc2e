import Foundation
import LLMRouterShared
import Logging
import PostgresNIO
import Testing

/// The real PostgreSQL the tests of this target run against: `LLMROUTER_TEST_DATABASE_URL`
/// (`.ci/run` starts a throwaway cluster with scripts/postgres-lib.sh and sets it). Unset, the
/// tests that need it are skipped, and the run says so.
enum TestDatabase {
    static let variable = "LLMROUTER_TEST_DATABASE_URL"

    /// The address from the environment; `nil` (and a line saying the tests are skipped) when unset.
    static let address: String? = {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
            print("\(variable) is unset: the PostgreSQL tests of LLMRouterSharedTests are skipped (.ci/run sets it; see scripts/postgres-lib.sh)")
            return nil
        }
        return text
    }()

    static var isConfigured: Bool { address != nil }

    /// The comment Swift Testing prints for every test it skips.
    static let skipped: Comment = "needs PostgreSQL: set LLMROUTER_TEST_DATABASE_URL (scripts/postgres-lib.sh starts a throwaway one)"

    /// A new, empty database on the test server, dropped after `body`: every test starts from
    /// nothing and tests run in parallel without seeing each other's rows.
    static func withFreshDatabase<T: Sendable>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
        guard let address, var components = URLComponents(string: address) else {
            throw TimedOutWaiting(description: "\(variable) is unset or not a URL")
        }
        let admin = try DatabaseURL(address, variable: variable)
        let name = "llmrouter_test_\(UInt64.random(in: 0 ... .max))"
        try await withClient(admin) { client in
            try await execute("CREATE DATABASE \(name)", on: client)
        }
        components.path = "/\(name)"
        let url = try DatabaseURL(components.string ?? "", variable: variable)
        do {
            let value = try await body(url)
            try await drop(name, admin: admin)
            return value
        } catch {
            try? await drop(name, admin: admin)
            throw error
        }
    }

    private static func drop(_ name: String, admin: DatabaseURL) async throws {
        try await withClient(admin) { client in
            try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: client)
        }
    }

    /// Runs `sql` and reads its rows to the end, which gives the connection back.
    static func execute(_ sql: String, on client: PostgresClient) async throws {
        for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql)) {}
    }

    /// Runs `read` on one client every 20 ms, for up to `limit`, until `condition` holds. One
    /// client for the whole wait: a connection per poll (its SCRAM exchange) would load the
    /// machine under the timed tests running alongside.
    static func poll<T: Sendable>(
        _ url: DatabaseURL, _ what: String, limit: Duration = .seconds(10), read: @escaping @Sendable (PostgresClient) async throws -> T,
        until condition: @escaping @Sendable (T) -> Bool
    ) async throws {
        try await withClient(url) { client in
            let deadline = ContinuousClock.now + limit
            while true {
                if let value = try? await read(client), condition(value) { return }
                guard ContinuousClock.now < deadline else { throw TimedOutWaiting(description: "timed out waiting for \(what)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// A running client on `url` for the length of `body`.
    static func withClient<T: Sendable>(_ url: DatabaseURL, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: url.clientConfiguration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
