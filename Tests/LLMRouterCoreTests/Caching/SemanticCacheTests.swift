import Foundation
@testable import LLMRouterCore
import LLMRouterTesting
import Testing

struct SemanticCacheTests {
    static let question = "What is the capital of France?"
    static let paraphrase = "Tell me the capital city of France"
    static let otherCountry = "What is the capital of Germany?"
    static let secondParaphrase = "Which city is the capital of France?"
    /// Cosine similarity with `question`: paraphrase ≈ 0.990, other country ≈ 0.900.
    static let vectors: [String: [Double]] = [
        question: [1, 0, 0],
        paraphrase: [0.99, 0.141, 0],
        otherCountry: [0.9, 0.436, 0],
        secondParaphrase: [0.985, 0.173, 0],
        "What is 17 times 23?": [0, 1, 0],
        "What is 17 times 24?": [0, 0.999, 0.045],
    ]

    static func harness(embeddingFails: Bool = false) -> CacheHarness {
        CacheHarness(
            settings: ResponseCacheSettings(ttl: .seconds(60), semantic: SemanticCacheSettings(model: "e")),
            vectors: vectors,
            embeddingFails: embeddingFails
        )
    }

    /// Waits (yielding) until the answer is stored and its question indexed.
    static func settle(_ harness: CacheHarness, vectors: Int) async {
        await harness.settle(entries: 1)
        for _ in 0..<10_000 where (harness.cache.semanticIndex?.count ?? 0) < vectors { await Task.yield() }
    }

    @Test func aParaphraseInTheSameConversationHits() async throws {
        let harness = Self.harness()
        let first = try await harness.complete(CacheHarness.chat(Self.question))
        await Self.settle(harness, vectors: 1)
        let second = try await harness.complete(CacheHarness.chat(Self.paraphrase))
        guard case .semanticHit(_, let similarity) = second.cache else {
            Issue.record("expected a semantic hit, got \(String(describing: second.cache))")
            return
        }
        #expect(similarity > 0.98 && similarity < 1)
        #expect(second.text == first.text)
        #expect(harness.chatCalls.withLock { $0 } == 1)
        #expect(harness.recorded.withLock { $0 }.last?.cache == "semantic")
    }

    @Test func theSameQuestionAboutAnotherCountryMisses() async throws {
        let harness = Self.harness()
        _ = try await harness.complete(CacheHarness.chat(Self.question))
        await Self.settle(harness, vectors: 1)
        #expect(try await harness.complete(CacheHarness.chat(Self.otherCountry)).cache == .miss)
        #expect(harness.chatCalls.withLock { $0 } == 2)
    }

    @Test func aQuestionWithOtherNumbersNeverHits() async throws {
        let harness = Self.harness()
        _ = try await harness.complete(CacheHarness.chat("What is 17 times 23?"))
        await Self.settle(harness, vectors: 1)
        #expect(try await harness.complete(CacheHarness.chat("What is 17 times 24?")).cache == .miss)
    }

    @Test func anotherConversationIsAnotherScope() async throws {
        let harness = Self.harness()
        _ = try await harness.complete(CacheHarness.chat(Self.question))
        await Self.settle(harness, vectors: 1)
        let earlier = #"{"role":"system","content":"Answer in German."},"#
        #expect(try await harness.complete(CacheHarness.chat(Self.paraphrase, earlier: earlier)).cache == .miss)
        let otherParameters = CacheHarness.chat(Self.paraphrase, extra: #","temperature":0,"max_tokens":5"#)
        #expect(try await harness.complete(otherParameters).cache == .miss)
    }

    @Test func theRequestMayRaiseTheThresholdButNotLowerIt() async throws {
        let harness = Self.harness()
        _ = try await harness.complete(CacheHarness.chat(Self.question))
        await Self.settle(harness, vectors: 1)
        var stricter = CacheDirectives()
        stricter.semanticThreshold = 0.999
        #expect(try await harness.complete(CacheHarness.chat(Self.paraphrase), info: harness.info(directives: stricter)).cache == .miss)
        var looser = CacheDirectives()
        looser.semanticThreshold = 0.5
        #expect(try await harness.complete(CacheHarness.chat(Self.otherCountry), info: harness.info(directives: looser)).cache == .miss)
        var off = CacheDirectives()
        off.semanticOff = true
        #expect(try await harness.complete(CacheHarness.chat(Self.secondParaphrase), info: harness.info(directives: off)).cache == .miss)
    }

    @Test func aFailedEmbeddingIsAPlainMiss() async throws {
        let harness = Self.harness(embeddingFails: true)
        let answer = try await harness.complete(CacheHarness.chat(Self.question))
        #expect(answer.cache == .miss)
        #expect(harness.embedCalls.withLock { $0 } >= 1)
        await harness.settle(entries: 1)
        #expect(try await harness.complete(CacheHarness.chat(Self.paraphrase)).cache == .miss)
    }

    @Test func shortLastMessagesNeverLookUp() async throws {
        let harness = Self.harness()
        _ = try await harness.complete(CacheHarness.chat("ok"))
        #expect(harness.embedCalls.withLock { $0 } == 0)
    }

    @Test func theIndexKeepsItsBoundAndFindsTheNearest() throws {
        var index = SemanticIndex(maxEntries: 3)
        for (number, angle) in [0.0, 0.5, 1.0, 1.5].enumerated() {
            index.insert(try #require(SemanticIndex.normalised([cos(angle), sin(angle)])), scope: 7, answer: CacheKey(digest: "a\(number)"))
        }
        // The first (angle 0) was overwritten by the fourth.
        #expect(index.count == 3)
        #expect(index.nearest(to: [1, 0], scope: 7, threshold: 0.99) == nil)
        let near = try #require(SemanticIndex.normalised([cos(1.45), sin(1.45)]))
        #expect(index.nearest(to: near, scope: 7, threshold: 0.99)?.answer == CacheKey(digest: "a3"))
        #expect(index.nearest(to: near, scope: 8, threshold: 0.5) == nil)
    }

    /// The scan's dot product, sixteen lanes at a time, agrees with the plain sum for every
    /// length: shorter than a lane group, whole groups, and groups with a tail.
    @Test(arguments: [1, 3, 15, 16, 17, 40, 384, 1023, 1024])
    func theLanedDotProductMatchesThePlainOne(length: Int) {
        var generator = SystemRandomNumberGenerator()
        let left = (0..<length).map { _ in Float.random(in: -1...1, using: &generator) }
        let right = (0..<length).map { _ in Float.random(in: -1...1, using: &generator) }
        let plain = zip(left, right).reduce(Double(0)) { $0 + Double($1.0) * Double($1.1) }
        let laned = SemanticIndex.dot(left, right, count: length)
        #expect(abs(Double(laned) - plain) <= 1e-4 * max(1, Double(length).squareRoot()), "length \(length): \(laned) vs \(plain)")
    }

    @Test func aFullIndexOfLongVectorsFindsTheOneAsked() throws {
        var index = SemanticIndex(maxEntries: 64)
        var generator = SystemRandomNumberGenerator()
        var stored: [[Float]] = []
        for number in 0..<64 {
            let vector = try #require(SemanticIndex.normalised((0..<1024).map { _ in Double.random(in: -1...1, using: &generator) }))
            stored.append(vector)
            index.insert(vector, scope: 1, answer: CacheKey(digest: "v\(number)"))
        }
        let found = try #require(index.nearest(to: stored[41], scope: 1, threshold: 0.97))
        #expect(found.answer == CacheKey(digest: "v41"))
        #expect(abs(found.similarity - 1) < 1e-4)
    }
}
