import Foundation
import LLMRouterCore
import LLMRouterShared
import Logging
import PostgresNIO
import Testing

/// Access keys kept in the shared table (`LLMROUTER_KEYS=postgres`) crossing instances through a
/// real PostgreSQL: added with ``AccessKeyTable`` as `llmrouter keys add` does, accepted by every
/// instance within seconds, refused once revoked; the table holds digests only.
@Suite(.enabled(if: TestDatabase.isConfigured, TestDatabase.skipped))
struct SharedAccessKeysPostgresTests {
    static func secret() -> String { "llmr-test-\(UInt64.random(in: 0 ... .max))-\(UInt64.random(in: 0 ... .max))" }

    @Test func aKeyAddedIsAcceptedByEveryInstanceWithinSecondsAndRefusedOnceRevoked() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // The periodic read is a minute away: only the announcement can be this quick.
            let first = KeyedInstance(url: url, instance: "first")
            let second = KeyedInstance(url: url, instance: "second")
            let table = AccessKeyTable(url: url)
            let secret = Self.secret()
            try await first.running {
                try await second.running {
                    try await first.waitUntilListening()
                    try await second.waitUntilListening()
                    #expect(first.store.current.isEnabled && second.store.current.isEnabled, "an empty table lets nobody in")
                    #expect(!first.accepts(secret) && !second.accepts(secret))

                    let limits = AccessKey.Limits(requestsPerMinute: 60, tokensPerDay: 1000, allowedModels: ["m"], usdPerDay: 1.5)
                    let adding = ContinuousClock.now
                    try await table.add(AccessKey(name: "alice", secret: secret, limits: limits))
                    let added = ContinuousClock.now
                    try await waitFor("both instances to accept the key", limit: .seconds(3)) { first.accepts(secret) && second.accepts(secret) }
                    let accepted = ContinuousClock.now
                    print("a key added (\((added - adding).milliseconds) ms, as `keys add` does) was accepted by both instances \((accepted - added).milliseconds) ms later")
                    #expect(second.store.current.authenticate(secret)?.limits == limits, "the limits come with the key")
                    #expect(!second.accepts(secret + "x"))

                    try await table.revoke(name: "alice")
                    let revoked = ContinuousClock.now
                    try await waitFor("both instances to refuse the revoked key", limit: .seconds(3)) { !first.accepts(secret) && !second.accepts(secret) }
                    print("a key revoked was refused by both instances \((ContinuousClock.now - revoked).milliseconds) ms later")
                }
            }
            #expect(try await table.records().isEmpty)
            let history = try await table.records(includingRevoked: true)
            #expect(history.map(\.key.name) == ["alice"])
            #expect(history.first?.revokedAt != nil)
            await #expect(throws: AccessKeyTable.Failure.self) { try await table.revoke(name: "alice") }
        }
    }

    @Test func theTableHoldsTheDigestAsTheKeysFileDoesNeverTheKey() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let table = AccessKeyTable(url: url)
            let secret = Self.secret()
            try await table.add(AccessKey(name: "alice", secret: secret, isAdmin: true))
            let rows = try await TestDatabase.withClient(url) { client in
                try await client.query("SELECT row_to_json(k)::text, sha256 FROM llmrouter_access_keys k").decode((String, String).self)
                    .reduce(into: [(String, String)]()) { $0.append($1) }
            }
            #expect(rows.count == 1)
            #expect(rows.allSatisfy { !$0.0.contains(secret) }, "no column holds the key")
            // The keys file's `sha256`: lower-case hex of SHA-256 of the key's UTF-8 bytes.
            #expect(rows.first?.1 == AccessKey.hex(of: AccessKey.digest(of: secret)))

            // A name is unique among the keys in force, and may be given again once revoked.
            let taken = await #expect(throws: AccessKeyTable.Failure.self) { try await table.add(AccessKey(name: "alice", secret: Self.secret())) }
            #expect(taken?.description.contains("exists already") == true)
            #expect(taken?.description.contains(secret) == false)
            try await table.revoke(name: "alice")
            let again = Self.secret()
            try await table.add(AccessKey(name: "alice", secret: again))
            #expect(try await table.activeKeys().map(\.digest) == [AccessKey.digest(of: again)])
        }
    }

    @Test func aChangeNobodyAnnouncedIsReadPeriodicallyAndALateStarterReadsTheKeys() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let table = AccessKeyTable(url: url)
            let early = Self.secret()
            try await table.add(AccessKey(name: "early", secret: early))
            let watcher = KeyedInstance(url: url, instance: "watcher", syncInterval: .milliseconds(300))
            try await watcher.running {
                try await watcher.waitUntilListening()
                #expect(watcher.accepts(early), "a late starter reads the keys in force")
                // Written with the trigger off, as if the announcement were lost.
                try await TestDatabase.withClient(url) { client in
                    try await TestDatabase.execute("ALTER TABLE llmrouter_access_keys DISABLE TRIGGER llmrouter_access_keys_changed", on: client)
                }
                let quiet = Self.secret()
                try await table.add(AccessKey(name: "quiet", secret: quiet))
                // A row no key could come from (written by hand) is left out; the rest still count.
                try await TestDatabase.withClient(url) { client in
                    try await TestDatabase.execute(
                        "INSERT INTO llmrouter_access_keys (sha256, name) VALUES ('\(String(repeating: "ab", count: 32))', 'has space')", on: client
                    )
                }
                try await waitFor("the periodic read to bring the unannounced key", limit: .seconds(3)) { watcher.accepts(quiet) }
                #expect(watcher.store.current.keys.map(\.name).sorted() == ["early", "quiet"])
            }
        }
    }

    @Test func keysStayWhileTheConnectionsAreCutAndChangesArriveWhenBack() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let table = AccessKeyTable(url: url)
            let alice = Self.secret()
            try await table.add(AccessKey(name: "alice", secret: alice))
            let instance = KeyedInstance(url: url, instance: "cut", syncInterval: .seconds(60))
            try await instance.running {
                try await instance.waitUntilListening()
                #expect(instance.accepts(alice))
                try await TestDatabase.withClient(url) { client in
                    try await TestDatabase.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                        on: client
                    )
                }
                try await waitFor("the listener to notice") { !instance.shared.health.isListening }
                #expect(instance.accepts(alice), "the last keys read stay while the database is away")
                let bob = Self.secret()
                try await table.add(AccessKey(name: "bob", secret: bob))
                // Reconnecting goes through postgres-nio's pool backoff (up to a minute); the
                // first read after listening again brings what changed meanwhile.
                try await instance.waitUntilListening(limit: .seconds(60))
                try await waitFor("the key added meanwhile", limit: .seconds(5)) { instance.accepts(bob) }
                #expect(instance.accepts(alice))
            }
        }
    }
}

/// One instance's access keys as the server wires them with `LLMROUTER_KEYS=postgres`: its
/// own store, fed by its own shared-state service.
final class KeyedInstance: Sendable {
    let store = AccessKeyStore()
    let keys: SharedAccessKeys
    let shared: SharedStateService

    init(url: DatabaseURL, instance: String, environmentKeys: [AccessKey] = [], syncInterval: Duration = .seconds(60), logger: Logger = Logger(label: "test")) {
        keys = SharedAccessKeys(store: store, environmentKeys: environmentKeys)
        shared = SharedStateService(
            settings: .init(url: url, instance: instance, syncInterval: syncInterval, retryInterval: .milliseconds(100), operationTimeout: .seconds(2)),
            receiver: ProviderState(routes: [], clock: ContinuousClock()),
            accessKeys: keys,
            logger: logger
        )
    }

    func accepts(_ secret: String) -> Bool { store.current.authenticate(secret) != nil }

    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let service = Task { await shared.run() }
        defer { service.cancel() }
        return try await body()
    }

    func waitUntilListening(limit: Duration = .seconds(10)) async throws {
        try await waitFor("\(shared.settings.instance) listening", limit: limit) { shared.health.isListening }
    }
}
