import LLMRouterCore
import LLMRouterTesting
import Synchronization
import NIOCore
import Testing

/// The attempt loop: failover, client errors, breakers, settlement and records.
struct ChatRouterTests {
    @Test func movesToTheNextRouteOnARetryableFailure() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.fail(.serverError, status: 500)), ("b", Scripts.none, Scripts.ok), ("c", Scripts.none, Scripts.ok)])
        let outcome = try await harness.send()
        #expect(outcome.answeredBy == "b")
        #expect(outcome.attempts.map(\.provider) == ["a", "b"])
        #expect(harness.state.snapshot("a")?.failuresByKind == ["server_error": 1])
        #expect(harness.state.snapshot("b")?.successes == 1)
        #expect(harness.calls("c") == 0)
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(record.status == 200)
        #expect(record.provider == "b")
        #expect(record.attempts.map(\.outcome) == ["server_error", "ok"])
        #expect(record.failedOver)
    }

    @Test func aClientErrorStopsAtOnceWithoutCountingAgainstTheRoute() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.fail(.clientError, status: 400)), ("b", Scripts.none, Scripts.ok)])
        guard case .rejected(let failure, let provider, _) = try await harness.send() else {
            Issue.record("expected a rejection")
            return
        }
        #expect(failure.status == 400)
        #expect(provider == "a")
        #expect(harness.calls("b") == 0)
        #expect(harness.state.snapshot("a")?.state == .closed)
    }

    @Test func breakerOpensOnHealthFailuresAndRecoversAfterATrial() async throws {
        let healthy = Locked(false)
        let harness = RouterHarness([
            ("flaky", { $0.priority = 1 }, { _, _ in
                if healthy.withLock({ $0 }) { return UpstreamReport() }
                throw UpstreamFailure(kind: .timeout, message: "slow")
            }),
            ("steady", { $0.priority = 2 }, Scripts.ok),
        ])
        for _ in 0..<5 { #expect(try await harness.send().answeredBy == "steady") }
        #expect(harness.state.snapshot("flaky")?.state == .open)
        #expect(harness.calls("flaky") == 3, "the open breaker kept requests 4 and 5 away")
        healthy.withLock { $0 = true }
        harness.clock.advance(by: .seconds(31))
        #expect(try await harness.send().answeredBy == "flaky", "the trial goes to flaky and succeeds")
        #expect(harness.state.snapshot("flaky")?.state == .closed)
    }

    @Test func everyRouteFailingIsExhaustedWithAnOpenBreakersTrialTime() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.fail(.connection)), ("b", Scripts.none, Scripts.fail(.serverError, status: 503))], breaker: .init(failureThreshold: 1, recoveryTime: .seconds(30)))
        guard case .exhausted(let attempts, nil) = try await harness.send() else {
            Issue.record("expected exhausted without a known retry time on the first pass")
            return
        }
        #expect(attempts.count == 2)
        guard case .exhausted(_, let retryAfter?) = try await harness.send() else {
            Issue.record("expected exhausted with the breakers' trial time")
            return
        }
        #expect(retryAfter == .seconds(30))
        #expect(harness.recorded.withLock { $0.map(\.status) } == [503, 503])
    }

    @Test func unknownModelIsNotFoundAndRecorded() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.ok)])
        let request = try ChatRequest(json: Array(#"{"model":"nope","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        guard case .modelNotFound("nope") = try await harness.send(request) else {
            Issue.record("expected model not found")
            return
        }
        #expect(harness.recorded.withLock { $0.map(\.status) } == [404])
    }

    @Test func aRouteWithoutToolSupportIsSkippedForARequestWithTools() async throws {
        let harness = RouterHarness([
            ("no-tools", { $0.capabilities.tools = false; $0.priority = 1 }, Scripts.ok),
            ("tools", { $0.capabilities.tools = true; $0.priority = 2 }, Scripts.ok),
        ])
        let request = try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}]}"#.utf8))
        let outcome = try await harness.send(request)
        #expect(outcome.answeredBy == "tools")
        #expect(harness.calls("no-tools") == 0)
        #expect(outcome.attempts.first?.outcome == .skipped(reason: "unsupported: no tool calling"))
    }

    @Test func whenNoRouteSupportsTheRequestItIsUnsupported() async throws {
        let harness = RouterHarness([("text-only", { $0.capabilities.vision = false }, Scripts.ok)])
        let request = try ChatRequest(json: Array(#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,"}}]}]}"#.utf8))
        guard case .unsupported(let model, let reasons) = try await harness.send(request) else {
            Issue.record("expected unsupported")
            return
        }
        #expect(model == "m")
        #expect(reasons.map(\.summary) == ["text-only: skipped (unsupported: no image input)"])
        #expect(harness.totalCalls == 0)
    }

    @Test func aStreamIsSettledWhenItEndsNotAtItsFirstChunk() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.ok)])
        guard case .answered(let answer) = try await harness.sendStream() else {
            Issue.record("expected a streamed answer")
            return
        }
        #expect(harness.state.snapshot("a")?.successes == 0, "not settled at the first chunk")
        #expect(harness.recorded.withLock { $0.isEmpty })
        harness.clock.advance(by: .milliseconds(250))
        #expect(try await answer.output.next() == ByteBuffer(string: "more"))
        #expect(try await answer.output.next() != nil, "the usage chunk")
        #expect(harness.state.snapshot("a")?.successes == 0, "not settled before the end")
        #expect(try await answer.output.next() == nil)
        #expect(answer.output.chunks == 3)
        #expect(harness.state.snapshot("a")?.successes == 1)
        let record = try #require(harness.recorded.withLock { $0.first })
        #expect(record.stream)
        #expect(record.promptTokens == 12)
        #expect(record.completionTokens == 34)
        #expect(record.latency == .milliseconds(250))
    }

    @Test func aStreamFailingMidwayCountsAgainstTheRoute() async throws {
        let harness = RouterHarness([("a-cut", Scripts.none, Scripts.ok)], breaker: .init(failureThreshold: 1, recoveryTime: .seconds(30)))
        guard case .answered(let answer) = try await harness.sendStream() else {
            Issue.record("expected a streamed answer")
            return
        }
        await #expect(throws: UpstreamFailure.self) { try await answer.output.next() }
        answer.output.abandon()
        #expect(harness.state.snapshot("a-cut")?.state == .open, "the failure settled once; the later abandon changes nothing")
        #expect(harness.recorded.withLock { $0.first?.errorCode } == "upstream_stream_failed")
    }

    @Test func cancellationReleasesAHalfOpenTrial() async throws {
        let harness = RouterHarness([("a", Scripts.none, { _, _ in throw CancellationError() })], breaker: .init(failureThreshold: 1, recoveryTime: .seconds(1)))
        _ = harness.state.admit("a")
        harness.state.settle("a", .failed(UpstreamFailure(kind: .timeout, message: "x"), latency: .zero))
        harness.clock.advance(by: .seconds(2))
        await #expect(throws: CancellationError.self) { _ = try await harness.send() }
        #expect(harness.state.admit("a").0 == .admitted(trial: true), "the released trial can be taken again")
    }

    @Test func replacingRoutesKeepsUnchangedState() async throws {
        let harness = RouterHarness([("a", Scripts.none, Scripts.ok)])
        _ = try await harness.send()
        var changed = RouteSpec(name: "a")
        changed.breaker = .init(failureThreshold: 9)
        harness.state.replaceRoutes([harness.table.specs[0], RouteSpec(name: "b")])
        #expect(harness.state.snapshot("a")?.successes == 1)
        harness.state.replaceRoutes([changed])
        #expect(harness.state.snapshot("a")?.successes == 0, "changed breaker settings start fresh")
    }
}
