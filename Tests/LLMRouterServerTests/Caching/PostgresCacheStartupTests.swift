import LLMRouterCore
import Logging
import ServiceLifecycle
import Testing

@testable import LLMRouterServer

/// `LLMROUTER_CACHE=postgres` at startup: the database's address is required and checked;
/// nothing connects before the server runs the backend.
struct PostgresCacheStartupTests {
    let table = RoutingTable(routes: [])

    func open(_ environment: [String: String]) async throws -> ResponseCacheStartup.Opened? {
        try await ResponseCacheStartup.open(
            configured: nil, environment: ["LLMROUTER_CACHE_TTL": "60", "LLMROUTER_CACHE": "postgres"].merging(environment) { $1 },
            table: table, logger: Logger(label: "t")
        )
    }

    @Test func withoutTheDatabaseAddressStartupStopsNamingBothVariables() async throws {
        do {
            _ = try await open([:])
            Issue.record("postgres without LLMROUTER_DATABASE_URL must be refused")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.file == "LLMROUTER_CACHE")
            #expect(error.description.contains("LLMROUTER_DATABASE_URL"))
        }
    }

    @Test func aMalformedAddressNamesItsVariableNotThePassword() async throws {
        do {
            _ = try await open(["LLMROUTER_DATABASE_URL": "mysql://u:hunter2-secret@db/x"])
            Issue.record("a mysql:// address must be refused")
        } catch {
            let error = try #require(error as? ConfigurationError)
            #expect(error.file == "LLMROUTER_DATABASE_URL")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func withAnAddressTheSharedBackendIsBuiltAndRunWithTheServer() async throws {
        let opened = try #require(try await open(["LLMROUTER_DATABASE_URL": "postgres://u:pw@127.0.0.1:1/x?sslmode=disable"]))
        #expect(String(describing: type(of: opened.cache.backend)) == "PostgresCacheBackend")
        let writer = try #require(opened.writer, "the backend's writer runs with the server")
        #expect(opened.cache.settings.backend.summary == "postgres")
        // Stopped at once: its thread is let go.
        let run = Task { try await writer.run() }
        run.cancel()
        try await run.value
    }
}
