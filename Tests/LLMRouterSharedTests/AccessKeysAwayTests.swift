import Foundation
import InMemoryLogging
import LLMRouterCore
import LLMRouterShared
import Logging
import Testing

/// The keys table out of reach: an instance keeps the keys it read last, and `llmrouter keys`
/// fails naming the database without its password. Needs no PostgreSQL (nothing listens on port 1).
struct AccessKeysAwayTests {
    static let password = "never-log-this-pw-42"

    @Test func theLastKeysReadStayWhileTheDatabaseIsAway() async throws {
        let url = try DatabaseURL("postgres://router:\(Self.password)@127.0.0.1:1/shared?sslmode=disable")
        let alice = "llmr-alice-0123456789abcdef"
        let store = AccessKeyStore()
        let keys = SharedAccessKeys(store: store, environmentKeys: [], tableKeys: [AccessKey(name: "alice", secret: alice)])
        let logs = InMemoryLogHandler()
        let service = SharedStateService(
            settings: .init(url: url, instance: "alone", syncInterval: .milliseconds(20), retryInterval: .milliseconds(20), operationTimeout: .seconds(1)),
            receiver: ProviderState(routes: [], clock: ContinuousClock()),
            accessKeys: keys,
            logger: Logger(label: "shared", factory: { _ in logs })
        )
        let running = Task { await service.run() }
        try await waitFor("the outage to be noticed", limit: .seconds(30)) { service.health.isUp == false }
        // Many failed reads pass.
        try await Task.sleep(for: .milliseconds(300))
        running.cancel()
        #expect(store.current.authenticate(alice)?.name == "alice")
        #expect(logs.entries.filter { $0.level >= .warning }.count == 1, "one warning per outage")
        #expect(!logs.entries.map { "\($0.message) \($0.metadata)" }.joined().contains(Self.password))
    }

    @Test func theTableOutOfReachIsAnErrorWithoutThePassword() async throws {
        let table = AccessKeyTable(url: try DatabaseURL("postgres://router:\(Self.password)@127.0.0.1:1/shared?sslmode=disable"), timeout: .seconds(5))
        let failure = await #expect(throws: AccessKeyTable.Failure.self) { try await table.add(AccessKey(name: "alice", secret: "llmr-alice-0123456789abcdef")) }
        let text = failure?.description ?? ""
        #expect(text.hasPrefix("postgres://router:***@127.0.0.1:1/shared"))
        #expect(!text.contains(Self.password))
    }
}
