import LLMRouterCore
@testable import LLMRouterServer
import LLMRouterTesting
import Testing

/// Named `Responses…` so `swift test --filter Responses` runs it with the other Responses suites.
struct ResponsesStoreTests {
    private let conversation: [JSONValue] = [
        .object(["role": .string("user"), "content": .string("Capital of Italy?")]),
        .object(["role": .string("assistant"), "content": .string("Rome")]),
    ]

    @Test func savedConversationIsReturnedToTheSameKey() {
        let store = ResponseStore(clock: MockClock())
        store.save(id: "resp_1", keyName: "team-a", conversation: conversation)
        #expect(store.conversation(for: "resp_1", keyName: "team-a") == conversation)
    }

    @Test func keysNeverSeeEachOthersResponses() {
        let store = ResponseStore(clock: MockClock())
        store.save(id: "resp_1", keyName: "team-a", conversation: conversation)
        store.save(id: "resp_2", keyName: nil, conversation: conversation)
        #expect(store.conversation(for: "resp_1", keyName: "team-b") == nil)
        #expect(store.conversation(for: "resp_1", keyName: nil) == nil)
        #expect(store.conversation(for: "resp_2", keyName: "team-a") == nil)
        #expect(store.conversation(for: "resp_2", keyName: nil) == conversation)
        // A refused lookup does not delete the owner's entry.
        #expect(store.conversation(for: "resp_1", keyName: "team-a") == conversation)
    }

    @Test func unknownIDGivesNil() {
        let store = ResponseStore(clock: MockClock())
        #expect(store.conversation(for: "resp_missing", keyName: nil) == nil)
    }

    @Test func entriesExpireAfterTheirTimeToLive() {
        let clock = MockClock()
        let store = ResponseStore(clock: clock, timeToLive: .seconds(60))
        store.save(id: "resp_1", keyName: nil, conversation: conversation)
        clock.advance(by: .seconds(59))
        #expect(store.conversation(for: "resp_1", keyName: nil) == conversation)
        clock.advance(by: .seconds(1))
        #expect(store.conversation(for: "resp_1", keyName: nil) == nil)
        #expect(store.count == 0)
    }

    @Test func savingEvictsExpiredEntries() {
        let clock = MockClock()
        let store = ResponseStore(clock: clock, timeToLive: .seconds(60))
        store.save(id: "resp_old", keyName: nil, conversation: conversation)
        clock.advance(by: .seconds(30))
        store.save(id: "resp_middle", keyName: nil, conversation: conversation)
        clock.advance(by: .seconds(40))
        store.save(id: "resp_new", keyName: nil, conversation: conversation)
        #expect(store.count == 2)
        #expect(store.conversation(for: "resp_middle", keyName: nil) == conversation)
        #expect(store.conversation(for: "resp_new", keyName: nil) == conversation)
    }

    @Test func oldestEntriesAreEvictedBeyondMaxEntries() {
        let store = ResponseStore(clock: MockClock(), maxEntries: 3)
        for number in 1...5 {
            store.save(id: "resp_\(number)", keyName: nil, conversation: conversation)
        }
        #expect(store.count == 3)
        #expect(store.conversation(for: "resp_1", keyName: nil) == nil)
        #expect(store.conversation(for: "resp_2", keyName: nil) == nil)
        for number in 3...5 {
            #expect(store.conversation(for: "resp_\(number)", keyName: nil) == conversation)
        }
    }

    @Test func savingAnIDAgainReplacesItAndRefreshesItsPlace() {
        let store = ResponseStore(clock: MockClock(), maxEntries: 2)
        let newer: [JSONValue] = [.object(["role": .string("user"), "content": .string("again")])]
        store.save(id: "resp_1", keyName: nil, conversation: conversation)
        store.save(id: "resp_2", keyName: nil, conversation: conversation)
        store.save(id: "resp_1", keyName: nil, conversation: newer)
        store.save(id: "resp_3", keyName: nil, conversation: conversation)
        #expect(store.count == 2)
        #expect(store.conversation(for: "resp_1", keyName: nil) == newer)
        #expect(store.conversation(for: "resp_2", keyName: nil) == nil)
    }
}
