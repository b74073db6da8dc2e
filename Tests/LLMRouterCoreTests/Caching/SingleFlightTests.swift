import LLMRouterCore
import LLMRouterTesting
import Testing

struct SingleFlightTests {
    /// Starts `count` identical requests and waits until all of them sleep on the mock clock:
    /// the leader in its upstream call, the others waiting for it (bounded by their deadlines).
    static func stampede(_ harness: CacheHarness, count: Int) async -> Task<[RoutedAnswer<ChatCompletion>?], Never> {
        let task = Task {
            await withTaskGroup(of: RoutedAnswer<ChatCompletion>?.self) { group in
                for _ in 0..<count { group.addTask { try? await harness.complete() } }
                var answers: [RoutedAnswer<ChatCompletion>?] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
        }
        while harness.clock.sleepers < count { await Task.yield() }
        return task
    }

    @Test func eightIdenticalMissesMakeOneCall() async throws {
        let harness = CacheHarness(latency: .seconds(1))
        let stampede = await Self.stampede(harness, count: 8)
        harness.clock.advance(by: .seconds(1))
        let answers = await stampede.value.compactMap { $0 }
        #expect(answers.count == 8)
        #expect(harness.chatCalls.withLock { $0 } == 1)
        #expect(Set(answers.map(\.text)).count == 1)
        #expect(answers.filter { $0.cache == .miss }.count == 1)
    }

    @Test func aFailingLeaderLetsTheFollowersTryOnTheirOwn() async throws {
        let fails = Locked(true)
        let harness = CacheHarness(latency: .seconds(1), fails: fails)
        let stampede = await Self.stampede(harness, count: 4)
        harness.clock.advance(by: .seconds(1))
        // The leader failed; each follower now calls on its own, and its call sleeps.
        while harness.chatCalls.withLock({ $0 }) < 4 || harness.clock.sleepers < 3 { await Task.yield() }
        fails.withLock { $0 = false }
        harness.clock.advance(by: .seconds(1))
        let answers = await stampede.value
        #expect(answers.compactMap { $0 }.count == 3)
        #expect(harness.chatCalls.withLock { $0 } == 4)
    }

    @Test func aFollowerWaitsNoLongerThanItsDeadline() async throws {
        let harness = CacheHarness(latency: .seconds(120))
        let leader = Task { try? await harness.complete() }
        while harness.clock.sleepers < 1 { await Task.yield() }
        let follower = Task { try? await harness.complete() }
        while harness.clock.sleepers < 2 { await Task.yield() }
        harness.clock.advance(by: .seconds(60))
        // Its deadline passed while waiting: it ends without an answer, and without a call.
        #expect(await follower.value == nil)
        #expect(harness.chatCalls.withLock { $0 } == 1)
        leader.cancel()
        _ = await leader.value
    }
}
