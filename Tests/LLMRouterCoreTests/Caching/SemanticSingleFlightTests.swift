@testable import LLMRouterCore
import LLMRouterTesting
import Testing

/// Identical requests join the exact key's single flight before the semantic layer is asked:
/// only the leader embeds the question, and whatever it finds its followers get.
struct SemanticSingleFlightTests {
    static func harness(latency: Duration = .zero, embeddingLatency: Duration = .zero) -> CacheHarness {
        CacheHarness(
            settings: ResponseCacheSettings(ttl: .seconds(60), semantic: SemanticCacheSettings(model: "e")),
            latency: latency,
            vectors: SemanticCacheTests.vectors,
            embeddingLatency: embeddingLatency
        )
    }

    /// Starts `count` identical requests for `question` and waits until all of them sleep on
    /// the mock clock: the leader in its call, the others waiting for it.
    static func stampede(_ harness: CacheHarness, _ question: String, count: Int) async -> Task<[RoutedAnswer<ChatCompletion>?], Never> {
        let task = Task {
            await withTaskGroup(of: RoutedAnswer<ChatCompletion>?.self) { group in
                for _ in 0..<count { group.addTask { try? await harness.complete(CacheHarness.chat(question)) } }
                var answers: [RoutedAnswer<ChatCompletion>?] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
        }
        while harness.clock.sleepers < count { await Task.yield() }
        return task
    }

    @Test func eightIdenticalSemanticMissesMakeOneEmbeddingAndOneCall() async throws {
        let harness = Self.harness(latency: .seconds(1))
        let stampede = await Self.stampede(harness, SemanticCacheTests.question, count: 8)
        // Seven wait for the leader, which has embedded the question and is in its upstream call.
        #expect(harness.embedCalls.withLock { $0 } == 1)
        harness.clock.advance(by: .seconds(1))
        let answers = await stampede.value.compactMap { $0 }
        #expect(answers.count == 8)
        #expect(harness.embedCalls.withLock { $0 } == 1)
        #expect(harness.chatCalls.withLock { $0 } == 1)
        #expect(Set(answers.map(\.text)).count == 1)
        #expect(answers.filter { $0.cache == .miss }.count == 1)
        #expect(answers.filter { $0.cache?.headerValue == "hit" }.count == 7)
        // The leader's answer is indexed under its question for the paraphrases to come.
        await SemanticCacheTests.settle(harness, vectors: 1)
        #expect(harness.cache.semanticIndex?.count == 1)
    }

    @Test func aSemanticHitFoundByTheLeaderAnswersItsFollowersAsSemanticHits() async throws {
        let harness = Self.harness(embeddingLatency: .milliseconds(100))
        let first = Task { try await harness.complete(CacheHarness.chat(SemanticCacheTests.question)) }
        while harness.clock.sleepers < 1 { await Task.yield() }
        harness.clock.advance(by: .milliseconds(100))
        let stored = try await first.value
        await SemanticCacheTests.settle(harness, vectors: 1)

        // Eight times the same paraphrase: the leader embeds it (and sleeps), seven wait.
        let stampede = await Self.stampede(harness, SemanticCacheTests.paraphrase, count: 8)
        harness.clock.advance(by: .milliseconds(100))
        let answers = await stampede.value.compactMap { $0 }
        #expect(answers.count == 8)
        #expect(harness.embedCalls.withLock { $0 } == 2)
        #expect(harness.chatCalls.withLock { $0 } == 1)
        #expect(answers.allSatisfy { $0.text == stored.text })
        let similarities = answers.compactMap { answer -> Double? in
            guard case .semanticHit(_, let similarity)? = answer.cache else { return nil }
            return similarity
        }
        #expect(similarities.count == 8 && Set(similarities).count == 1)
        let records = harness.recorded.withLock { $0 }.filter { $0.endpoint == "chat" }
        #expect(records.count == 9 && records.suffix(8).allSatisfy { $0.cache == "semantic" && $0.cacheHit })
    }

    @Test func aFollowerWhoseHeadersForbidTheLeadersSemanticHitRoutesAlone() async throws {
        let harness = Self.harness(embeddingLatency: .milliseconds(100))
        let first = Task { try await harness.complete(CacheHarness.chat(SemanticCacheTests.question)) }
        while harness.clock.sleepers < 1 { await Task.yield() }
        harness.clock.advance(by: .milliseconds(100))
        _ = try await first.value
        await SemanticCacheTests.settle(harness, vectors: 1)

        // The leader embeds the paraphrase; then a follower asking a threshold above its
        // similarity (0.990), and one with the semantic layer off, join its flight.
        let paraphrase = CacheHarness.chat(SemanticCacheTests.paraphrase)
        let leader = Task { try await harness.complete(paraphrase) }
        while harness.clock.sleepers < 1 { await Task.yield() }
        var stricter = CacheDirectives()
        stricter.semanticThreshold = 0.999
        let strict = Task { try await harness.complete(paraphrase, info: harness.info(directives: stricter)) }
        while harness.clock.sleepers < 2 { await Task.yield() }
        var off = CacheDirectives()
        off.semanticOff = true
        let noSemantic = Task { try await harness.complete(paraphrase, info: harness.info(directives: off)) }
        while harness.clock.sleepers < 3 { await Task.yield() }
        harness.clock.advance(by: .milliseconds(100))

        guard case .semanticHit? = try await leader.value.cache else {
            Issue.record("the leader should find the stored question")
            return
        }
        #expect(try await strict.value.cache == .miss)
        #expect(try await noSemantic.value.cache == .miss)
        // Each routed on its own: no extra embedding, one upstream call each.
        #expect(harness.embedCalls.withLock { $0 } == 2)
        #expect(harness.chatCalls.withLock { $0 } == 3)
    }
}
