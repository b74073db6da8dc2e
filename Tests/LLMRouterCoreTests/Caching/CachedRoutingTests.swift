import LLMRouterCore
import LLMRouterTesting
import Testing

struct CachedRoutingTests {
    @Test func aRepeatedDeterministicRequestIsAnsweredFromTheCache() async throws {
        let harness = CacheHarness()
        let first = try await harness.complete()
        #expect(first.cache == .miss)
        await harness.settle(entries: 1)
        harness.clock.advance(by: .seconds(5))
        let second = try await harness.complete()
        #expect(second.cache == .hit(age: .seconds(5)))
        #expect(second.text == first.text)
        #expect(second.attempts.isEmpty)
        #expect(second.provider == "p")
        #expect(harness.chatCalls.withLock { $0 } == 1)
        let records = harness.recorded.withLock { $0 }
        #expect(records.map(\.cacheHit) == [false, true])
        #expect(records.map(\.cache) == ["miss", "hit"])
        #expect(records.last?.completionTokens == 3)
    }

    @Test func entriesExpireAfterTheirTTL() async throws {
        let harness = CacheHarness(settings: ResponseCacheSettings(ttl: .seconds(30)))
        _ = try await harness.complete()
        await harness.settle(entries: 1)
        harness.clock.advance(by: .seconds(31))
        let later = try await harness.complete()
        #expect(later.cache == .miss)
        #expect(harness.chatCalls.withLock { $0 } == 2)
    }

    @Test func onlyDeterministicRequestsAreCachedByDefault() async throws {
        let harness = CacheHarness()
        let warm = CacheHarness.chat("hi", extra: #","temperature":0.8"#)
        #expect(try await harness.complete(warm).cache == .bypass)
        #expect(try await harness.complete(warm).cache == .bypass)
        #expect(harness.chatCalls.withLock { $0 } == 2)
        let all = CacheHarness(settings: ResponseCacheSettings(ttl: .seconds(60), mode: .all))
        _ = try await all.complete(warm)
        await all.settle(entries: 1)
        #expect(try await all.complete(warm).cache == .hit(age: .zero))
    }

    @Test func answersCutShortAreNeverStored() async throws {
        let harness = CacheHarness(finishReason: "length")
        _ = try await harness.complete()
        for _ in 0..<100 { await Task.yield() }
        #expect(try await harness.complete().cache == .miss)
        #expect(await harness.cache.occupancy().entries == 0)
    }

    @Test func tenantsNeverShareAnEntry() async throws {
        let harness = CacheHarness()
        let teamA = try await harness.complete(info: harness.info(key: "team-a"))
        await harness.settle(entries: 1)
        let teamB = try await harness.complete(info: harness.info(key: "team-b"))
        #expect(teamB.cache == .miss)
        #expect(teamA.text != teamB.text)
        #expect(try await harness.complete(info: harness.info(key: "team-a")).text == teamA.text)
    }

    @Test func requestDirectivesAreObeyed() async throws {
        let harness = CacheHarness()
        var noStore = CacheDirectives()
        noStore.noStore = true
        _ = try await harness.complete(info: harness.info(directives: noStore))
        for _ in 0..<100 { await Task.yield() }
        #expect(await harness.cache.occupancy().entries == 0)
        _ = try await harness.complete()
        await harness.settle(entries: 1)
        var noCache = CacheDirectives()
        noCache.noCache = true
        let fresh = try await harness.complete(info: harness.info(directives: noCache))
        #expect(fresh.cache == .miss)
        #expect(fresh.text.contains("answer number 3"))
        // The new answer replaces the old entry (its store runs in its own task).
        let key = CacheKey(keyName: nil, endpoint: "chat", model: "m", fields: CacheHarness.chat("hi").fields)
        while await harness.cache.backend.entry(for: key, now: 0).map({ String(decoding: $0.body, as: UTF8.self) })?.contains("number 3") != true {
            await Task.yield()
        }
        var off = CacheDirectives()
        off.off = true
        #expect(try await harness.complete(info: harness.info(directives: off)).cache == .bypass)
        harness.clock.advance(by: .seconds(20))
        var maxAge = CacheDirectives()
        maxAge.maxAge = .seconds(10)
        #expect(try await harness.complete(info: harness.info(directives: maxAge)).cache == .miss)
    }

    @Test func aHitIsServedWhileTheOnlyRouteIsDown() async throws {
        let fails = Locked(false)
        let harness = CacheHarness(fails: fails)
        _ = try await harness.complete()
        await harness.settle(entries: 1)
        fails.withLock { $0 = true }
        for _ in 0..<5 {
            let outcome = try await harness.router.route(
                CompleteChat(CacheHarness.chat("other")), model: "m", table: harness.table,
                deadline: harness.clock.now.advanced(by: .seconds(60)), info: harness.info()
            )
            if case .answered = outcome { Issue.record("the failing route answered") }
        }
        let callsBefore = harness.chatCalls.withLock { $0 }
        #expect(try await harness.complete().cache == .hit(age: .zero))
        #expect(harness.chatCalls.withLock { $0 } == callsBefore)
    }

    @Test func aStreamedAnswerIsStoredAndServedWholeAndAsAStream() async throws {
        let harness = CacheHarness()
        let request = CacheHarness.chat("hi", extra: #","temperature":0,"stream_options":{"include_usage":true}"#)
        let live = try await harness.stream(request)
        let liveChunks = try await live.output.drain()
        #expect(live.cache == .miss)
        await harness.settle(entries: 1)
        let whole = try await harness.complete()
        #expect(whole.cache == .hit(age: .zero))
        #expect(whole.text.contains(#""content":"answer number 1""#))
        let replay = try await harness.stream(request)
        #expect(replay.cache == .hit(age: .zero))
        #expect(try await replay.output.drain() == liveChunks)
        #expect(harness.chatCalls.withLock { $0 } == 1)
    }

    @Test func aStreamLeftByItsClientIsNotStored() async throws {
        let harness = CacheHarness()
        let live = try await harness.stream()
        live.output.abandon()
        for _ in 0..<100 { await Task.yield() }
        #expect(await harness.cache.occupancy().entries == 0)
        #expect(try await harness.complete().cache == .miss)
    }
}
