@testable import LLMRouterCore
import LLMRouterTesting
import Logging
import Testing

/// `routing.auto.cascade`: the cheaper tier's model first, the next tier's when its answer
/// fails the gate; the client gets one answer, the decision and the usage log show both.
@Suite(.timeLimit(.minutes(1)))
struct CascadeTests {
    static let on = AutoSettings(cascade: true)
    static let tools = #""tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]"#

    @Test func aGoodCheapAnswerIsTheAnswer() async throws {
        let harness = AutoHarness(auto: Self.on)
        let (outcome, decision) = try await harness.send(AutoHarness.chatPrompt)
        #expect(harness.called == ["small"])
        #expect(outcome.content == "answer from small")
        #expect(decision?.auto == "tier=default; model=llama-3.1-8b")
        #expect(decision?.cascade == nil)
        #expect(harness.records.count == 1)
        #expect(harness.records.first?.cascade == nil)
        #expect(harness.records.first?.errorCode == nil)
    }

    /// Each gate reason, from a cheap answer that shows it; `extra` is what the request adds.
    static let gateCases: [(reason: CascadeReason, body: String, extra: String)] = [
        (.empty, AutoHarness.answer(message: #"{"role":"assistant","content":"  "}"#), ""),
        (.length, AutoHarness.answer(message: #"{"role":"assistant","content":"The story begins"}"#, finish: "length"), ""),
        (.refusal, AutoHarness.answer(message: #"{"role":"assistant","content":"I'm sorry, but I can't help with that."}"#), ""),
        (.refusal, AutoHarness.answer(message: #"{"role":"assistant","content":null,"refusal":"No."}"#), ""),
        (.invalidJSON, AutoHarness.answer(message: #"{"role":"assistant","content":"Sure! {\"a\": 1}"}"#), #""response_format":{"type":"json_object"}"#),
        (
            .unknownTool,
            AutoHarness.answer(message: #"{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"get_wether","arguments":"{}"}}]}"#, finish: "tool_calls"),
            tools
        ),
    ]

    @Test(arguments: gateCases.indices) func aFailedGateMovesUpAndTheLogShowsBoth(_ index: Int) async throws {
        let (reason, body, extra) = Self.gateCases[index]
        let harness = AutoHarness(auto: Self.on, bodies: ["small": body])
        let (outcome, decision) = try await harness.send(AutoHarness.chatPrompt, extra: extra)
        #expect(harness.called == ["small", "big"])
        #expect(outcome.content == "answer from big", "the client sees only the final answer")
        let trail = "llama-3.1-8b -> llama-3.3-70b; reason=\(reason.rawValue)"
        #expect(decision?.cascade == trail)
        #expect(decision?.auto == "tier=default; model=llama-3.3-70b")
        guard case .answered(let answer) = outcome else { return }
        #expect(answer.attempts.filter(\.wasCalled).map(\.provider) == ["small", "big"])
        let records = harness.records
        #expect(records.map(\.provider) == ["small", "big"])
        #expect(records.map(\.cascade) == [trail, trail])
        #expect(records.map(\.errorCode) == ["cascade_\(reason.rawValue)", nil])
        #expect(records.map(\.autoTier) == ["default", "default"])
        #expect(records.allSatisfy { $0.attempts.filter { $0.latency != nil }.count == 1 }, "each record holds its own step's call")
    }

    @Test func goodJSONAndAKnownToolPass() async throws {
        let json = AutoHarness(auto: Self.on, bodies: ["small": AutoHarness.answer(message: #"{"role":"assistant","content":" {\"city\": \"Oslo\"} "}"#)])
        _ = try await json.send(AutoHarness.chatPrompt, extra: #""response_format":{"type":"json_object"}"#)
        #expect(json.called == ["small"])
        let call = #"{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}"#
        let tool = AutoHarness(auto: Self.on, bodies: ["small": AutoHarness.answer(message: call, finish: "tool_calls")])
        _ = try await tool.send(AutoHarness.chatPrompt, extra: Self.tools)
        #expect(tool.called == ["small"])
    }

    @Test func aCheapTierThatCannotAnswerMovesUpWithoutWaiting() async throws {
        // Five seconds of waiting allowed, but the cheap step never waits: the next tier is there.
        let harness = AutoHarness(auto: Self.on, maxWait: .seconds(5), limited: ["small"])
        let start = harness.clock.now
        let (outcome, decision) = try await harness.send(AutoHarness.chatPrompt)
        #expect(outcome.content == "answer from big")
        #expect(decision?.cascade == "llama-3.1-8b -> llama-3.3-70b; reason=unanswered")
        #expect(harness.clock.now == start, "no time passed: nothing slept")
        #expect(harness.records.map(\.status) == [429, 200])
        #expect(harness.records.map(\.errorCode) == ["rate_limit_exceeded", nil])
    }

    @Test func whenMovingUpFailsTheCheapAnswerIsKept() async throws {
        let cut = AutoHarness.answer(message: #"{"role":"assistant","content":"Once upon"}"#, finish: "length")
        let harness = AutoHarness(auto: Self.on, bodies: ["small": cut], failing: ["big"])
        let (outcome, decision) = try await harness.send(AutoHarness.chatPrompt)
        #expect(harness.called == ["small", "big"])
        #expect(outcome.content == "Once upon")
        let trail = "llama-3.1-8b -> llama-3.3-70b; reason=length; escalation=failed"
        #expect(decision?.cascade == trail)
        #expect(decision?.auto == "tier=default; model=llama-3.1-8b")
        #expect(harness.records.first?.errorCode == nil, "the client got this answer")
        #expect((harness.records.last?.status ?? 0) >= 500)
        #expect(harness.records.map(\.cascade) == [trail, trail])
        #expect(harness.records.first?.status == 200)
    }

    @Test func aCodeRequestTriesTheDefaultTierFirst() async throws {
        let harness = AutoHarness(auto: Self.on, bodies: ["big": AutoHarness.answer(message: #"{"role":"assistant","content":""}"#)])
        let (outcome, decision) = try await harness.send(AutoHarness.codePrompt)
        #expect(harness.called == ["big", "coder"])
        #expect(outcome.content == "answer from coder")
        #expect(decision?.cascade == "llama-3.3-70b -> kimi-k2; reason=empty")
        #expect(decision?.auto == "tier=code; model=kimi-k2")
    }

    @Test func streamsAreNeverCascaded() async throws {
        // The cheap model would fail the gate (its stream ends on `length`), but a stream goes
        // straight to its tier's model.
        let harness = AutoHarness(auto: Self.on)
        let (outcome, decision) = try await harness.sendStream(AutoHarness.chatPrompt)
        guard case .answered(let answer) = outcome else { Issue.record("expected a stream, got \(outcome)"); return }
        #expect(answer.provider == "big")
        #expect(harness.called == ["big"])
        #expect(decision?.cascade == nil)
        while try await answer.output.next() != nil {}
        #expect(harness.records.count == 1)
        #expect(harness.records.first?.cascade == nil)
    }

    @Test func aConversationThatMovedUpStaysUp() async throws {
        let cut = AutoHarness.answer(message: #"{"role":"assistant","content":"Once upon"}"#, finish: "length")
        let harness = AutoHarness(auto: Self.on, bodies: ["small": cut], sticky: .seconds(600))
        _ = try await harness.send(AutoHarness.chatPrompt)
        #expect(harness.called == ["small", "big"])
        // The same conversation again: its session is on `big`, past the cheaper step.
        let (outcome, decision) = try await harness.send(AutoHarness.chatPrompt)
        #expect(harness.called == ["big"])
        #expect(outcome.content == "answer from big")
        #expect(decision?.cascade == nil)
        // Another conversation still starts cheap.
        _ = try await harness.send("Write a long poem about autumn leaves falling over a quiet mountain village at dusk.")
        #expect(harness.called.first == "small")
    }

    @Test func cascadeOffTriesTheTierDirectly() async throws {
        let harness = AutoHarness(bodies: ["small": AutoHarness.answer(message: #"{"role":"assistant","content":""}"#)])
        _ = try await harness.send(AutoHarness.chatPrompt)
        #expect(harness.called == ["big"])
    }
}
