import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import LLMRouterConfig
import LLMRouterCore
import LLMRouterProviders
@testable import LLMRouterServer
import Logging
import Testing

/// `LLMROUTER_KEYS=postgres` at startup and on the request path, without a database: the
/// choice is checked, the server never starts open, and a reload leaves the table's keys alone.
struct AccessKeysStartupTests {
    static let password = "never-log-this-pw-42"
    static let unreachable = "postgres://router:\(password)@127.0.0.1:1/shared?sslmode=disable"
    static let envKey = "llmr-env-0000111122223333"

    @Test func postgresNeedsTheDatabaseAndNoKeysFile() async throws {
        let logger = Logger(label: "test")
        await #expect(throws: ConfigurationError(file: "LLMROUTER_KEYS", message: "postgres keeps the keys in the database of LLMROUTER_DATABASE_URL (or database: in the providers YAML), which is unset")) {
            try await AccessKeysStartup.load(settings: ServerSettings(), environment: ["LLMROUTER_KEYS": "postgres"], logger: logger)
        }
        let named = ServerSettings(keysFile: "/tmp/keys.yaml", keysFileIsExplicit: true)
        let refused = await #expect(throws: ConfigurationError.self) {
            try await AccessKeysStartup.load(settings: named, environment: ["LLMROUTER_KEYS": "postgres", "LLMROUTER_DATABASE_URL": Self.unreachable], logger: logger)
        }
        #expect(refused?.message.contains("/tmp/keys.yaml") == true)
        // The providers file's database: serves as well as the variable.
        let fromFile = await #expect(throws: ConfigurationError.self) {
            try await AccessKeysStartup.load(
                settings: named, environment: ["LLMROUTER_KEYS": "postgres"], configured: DatabaseSetting(text: Self.unreachable, file: "router.yaml"), logger: logger
            )
        }
        #expect(fromFile?.message.contains("/tmp/keys.yaml") == true)
        await #expect(throws: AccessKeysError.self) {
            try await AccessKeysStartup.load(settings: ServerSettings(), environment: ["LLMROUTER_KEYS": "sqlite"], logger: logger)
        }
    }

    @Test func theDatabaseAwayAtStartupLeavesOnlyTheEnvironmentsKeysNeverAnOpenRouter() async throws {
        let logs = InMemoryLogHandler()
        let environment = ["LLMROUTER_KEYS": "postgres", "LLMROUTER_DATABASE_URL": Self.unreachable, "LLMROUTER_API_KEYS": Self.envKey]
        let loaded = try await AccessKeysStartup.load(
            settings: ServerSettings(keysFile: "/nonexistent/keys.yaml"), environment: environment, firstReadTimeout: .milliseconds(500),
            logger: Logger(label: "test", factory: { _ in logs })
        )
        #expect(loaded.storage == .postgres)
        #expect(loaded.tableKeys == nil)
        #expect(loaded.keys.isEnabled)
        #expect(loaded.keys.keys.map(\.name) == ["key-1"])
        let warning = try #require(logs.entries.first { $0.message.description.hasPrefix("access keys table not read") })
        #expect(warning.level == .warning)
        #expect(warning.metadata["llmrouter.database"]?.description == "postgres://router:***@127.0.0.1:1/shared?sslmode=disable")
        #expect(!logs.entries.map { "\($0.message) \($0.metadata)" }.joined().contains(Self.password))

        let application = try AccessControlTests.application(keys: loaded.keys)
        let shared = try #require(loaded.sharing(into: application.keys))
        try await AccessControlTests.test(application) { client in
            let none = try await client.execute(uri: "/v1/chat/completions", method: .post, body: AccessControlTests.chatBody)
            #expect(none.status == .unauthorized)
            #expect(try none.openAIError()["code"] as? String == "invalid_api_key")
            let wrong = try await client.execute(uri: "/v1/models", method: .get, headers: AccessControlTests.bearer("llmr-wrong-0123456789abcdef"))
            #expect(wrong.status == .unauthorized)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let env = try await client.execute(uri: "/v1/models", method: .get, headers: AccessControlTests.bearer(Self.envKey))
            #expect(env.status == .ok)

            // The table read later: its keys are accepted from then on, on the same application.
            let alice = "llmr-alice-0123456789abcdef"
            shared.apply(sharedKeys: [AccessKey(name: "alice", secret: alice)])
            let accepted = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: AccessControlTests.bearer(alice), body: AccessControlTests.chatBody)
            #expect(accepted.status == .ok)
        }
    }

    @Test func aReloadLeavesTheTablesKeysAlone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("providers.yaml").path
        let keysFile = directory.appendingPathComponent("keys.yaml").path
        try "providers:\n  - {name: local-echo, type: echo}\n".write(toFile: config, atomically: true, encoding: .utf8)
        // A keys file that is not to be read: its key must not replace the table's.
        try "keys:\n  - {name: stray, sha256: \(AccessKey.hex(of: AccessKey.digest(of: "llmr-stray-0123456789abcdef")))}\n"
            .write(toFile: keysFile, atomically: true, encoding: .utf8)
        let settings = ServerSettings(configPath: config, configPathIsExplicit: true, keysFile: keysFile)
        let application = try AccessControlTests.application(keys: AccessKeys([], required: true), settings: settings)
        let shared = SharedAccessKeys(store: application.keys, environmentKeys: [], tableKeys: [AccessKey(name: "alice", secret: "llmr-alice-0123456789abcdef")])
        let reloader = ConfigurationReloader(
            settings: settings, environment: [:], fetcher: nil, application: application, makeTable: { configuration in
                RoutingTable(registry: ProviderRegistry(configuration: configuration, makeRemote: { _ in .failure(ProviderUnavailable(reason: "offline")) }))
            },
            logRedactor: SharedSecretRedactor(), keysInDatabase: true, logger: Logger(label: "test")
        )
        let report = try await reloader.reload().get()
        #expect(report.keys == 1)
        #expect(application.keys.current.keys.map(\.name) == ["alice"])
        #expect(application.keys.current.isRequired)
        #expect(shared.hasReadTable)
    }
}
