import LLMRouterCore
import Testing

/// The keys an instance holds when they live in the shared table: the environment's plus the
/// table's last snapshot, always required.
struct SharedAccessKeysTests {
    static let alice = "llmr-alice-0123456789abcdef"
    static let bob = "llmr-bob-fedcba9876543210"
    static let envKey = "llmr-env-0000111122223333"

    @Test func requiredKeysWithNoneInThemLetNobodyIn() {
        let keys = AccessKeys([], required: true)
        #expect(keys.isEnabled, "an empty table must not open every route")
        #expect(keys.authenticate(Self.alice) == nil)
        #expect(!AccessKeys([]).isEnabled, "without the table, no keys still means open")
    }

    @Test func beforeTheFirstReadOnlyTheEnvironmentsKeysAreAccepted() {
        let store = AccessKeyStore()
        let shared = SharedAccessKeys(store: store, environmentKeys: [AccessKey(name: "key-1", secret: Self.envKey)])
        #expect(!shared.hasReadTable)
        #expect(store.current.isEnabled)
        #expect(store.current.authenticate(Self.envKey)?.name == "key-1")
        #expect(store.current.authenticate(Self.alice) == nil)
    }

    @Test func eachReadReplacesTheTablesKeysAndSaysWhatChanged() {
        let store = AccessKeyStore()
        let environment = [AccessKey(name: "key-1", secret: Self.envKey)]
        let shared = SharedAccessKeys(store: store, environmentKeys: environment, tableKeys: [])
        #expect(shared.hasReadTable)
        let alice = AccessKey(name: "alice", secret: Self.alice, limits: .init(requestsPerMinute: 60))
        let bob = AccessKey(name: "bob", secret: Self.bob, isAdmin: true)

        #expect(shared.apply(sharedKeys: [alice, bob]) == SharedAccessKeysChange(added: ["alice", "bob"]))
        #expect(store.current.authenticate(Self.alice) == alice, "the limits come with the key")
        #expect(store.current.authenticate(Self.bob)?.isAdmin == true)
        #expect(store.current.authenticate(Self.envKey)?.name == "key-1")

        #expect(shared.apply(sharedKeys: [alice, bob]).isEmpty, "the same table read again changes nothing")

        var tightened = alice
        tightened.limits.requestsPerMinute = 5
        #expect(shared.apply(sharedKeys: [tightened]) == SharedAccessKeysChange(added: ["alice"], removed: ["bob"]))
        #expect(store.current.authenticate(Self.alice)?.limits.requestsPerMinute == 5)
        #expect(store.current.authenticate(Self.bob) == nil, "a revoked key is refused")

        #expect(shared.apply(sharedKeys: []) == SharedAccessKeysChange(removed: ["alice"]))
        #expect(store.current.isEnabled, "an emptied table still requires a key")
        #expect(store.current.keys.map(\.name) == ["key-1"])
    }

    @Test func aKeyOfTheEnvironmentWinsOverATableKeyOfTheSameName() {
        let store = AccessKeyStore()
        let shared = SharedAccessKeys(store: store, environmentKeys: [AccessKey(name: "admin", secret: Self.envKey, isAdmin: true)])
        let change = shared.apply(sharedKeys: [AccessKey(name: "admin", secret: Self.alice), AccessKey(name: "bob", secret: Self.bob)])
        #expect(change == SharedAccessKeysChange(added: ["bob"], shadowed: ["admin"]))
        #expect(store.current.authenticate(Self.envKey)?.isAdmin == true)
        #expect(store.current.authenticate(Self.alice) == nil, "the table cannot replace the environment's admin key")
    }

    @Test(arguments: [("alice", true), ("ops.team-1_x@corp", true), ("", false), ("has space", false), ("semi;colon", false), (String(repeating: "a", count: 65), false)])
    func keyNamesAreCheckedOnce(_ name: String, _ valid: Bool) {
        #expect(AccessKey.isValidName(name) == valid)
    }
}

extension SharedAccessKeysTests {
    /// The periodic read began before a revoke and ended after the announcement's read: its
    /// older table must not bring the revoked key back.
    @Test func aReadThatStartedEarlierIsDroppedWhenALaterOneWasApplied() {
        let store = AccessKeyStore()
        let alice = AccessKey(name: "alice", secret: Self.alice)
        let shared = SharedAccessKeys(store: store, environmentKeys: [], tableKeys: [alice])
        let periodic = shared.readStarting()
        let announced = shared.readStarting()
        #expect(shared.apply(sharedKeys: [], read: announced) == SharedAccessKeysChange(removed: ["alice"]))
        #expect(shared.apply(sharedKeys: [alice], read: periodic) == nil, "the stale read changes nothing")
        #expect(store.current.authenticate(Self.alice) == nil)
        #expect(shared.apply(sharedKeys: [alice], read: shared.readStarting()) == SharedAccessKeysChange(added: ["alice"]))
    }
}
