import Foundation
import LLMRouterCore
import LLMRouterTesting
import Testing

/// `routing.sticky_minutes` on the mock clock: routes `a`, `b`, `c` take turns (round robin), so
/// without stickiness consecutive requests land on different routes.
struct StickyRoutingTests {
    static func harness(minutes: Int64 = 30, capacity: Int = 10_000) -> ExplainHarness {
        var routing = RoutingConfiguration(policy: .roundRobin, maxWait: .zero)
        routing.stickyFor = .seconds(minutes * 60)
        return ExplainHarness([("a", 1, { _ in }), ("b", 1, { _ in }), ("c", 1, { _ in })], routing: routing, stickySessions: capacity)
    }

    static func answer(_ outcome: RoutingOutcome<ChatCompletion>) -> (String?, StickyVerdict?) {
        guard case .answered(let answer) = outcome else { return (nil, nil) }
        return (answer.provider, answer.sticky)
    }

    static func chat(system: String = "You are terse.", first: String = "hi", later: [String] = [], user: String? = nil) -> ChatRequest {
        var messages = [#"{"role":"system","content":"\#(system)"}"#, #"{"role":"user","content":"\#(first)"}"#]
        for text in later { messages += [#"{"role":"assistant","content":"ok"}"#, #"{"role":"user","content":"\#(text)"}"#] }
        let userField = user.map { #","user":"\#($0)""# } ?? ""
        return ExplainHarness.request(#"{"model":"m","messages":[\#(messages.joined(separator: ","))]\#(userField)}"#)
    }

    @Test func aSessionStaysOnTheRouteThatFirstAnswered() async throws {
        let harness = Self.harness()
        let session = ExplainHarness.info(session: "s-1")
        let (first, verdict) = Self.answer(try await harness.send(info: session))
        #expect(verdict == .new)
        for _ in 0..<4 {
            #expect(Self.answer(try await harness.send(info: session)) == (first, .hit))
        }
        // Other conversations still take turns, each starting its own session.
        var others: [String?] = []
        for first in ["q1", "q2", "q3"] {
            let (route, verdict) = Self.answer(try await harness.send(Self.chat(first: first)))
            #expect(verdict == .new)
            others.append(route)
        }
        #expect(Set(others).count == 3)
    }

    @Test func aSessionExpiresAfterStickyMinutesWithoutARequest() async throws {
        let harness = Self.harness(minutes: 30)
        let session = ExplainHarness.info(session: "s-1")
        let (first, _) = Self.answer(try await harness.send(info: session))
        harness.clock.advance(by: .seconds(29 * 60))
        #expect(Self.answer(try await harness.send(info: session)) == (first, .hit))
        // Each answer starts the 30 minutes again; 30 minutes of silence end the session.
        harness.clock.advance(by: .seconds(30 * 60))
        let (_, verdict) = Self.answer(try await harness.send(info: session))
        #expect(verdict == .new)
    }

    @Test func aCoolingRouteMovesTheSessionWhichThenStaysOnTheNewRoute() async throws {
        let harness = Self.harness()
        let session = ExplainHarness.info(session: "s-1")
        let (first, _) = Self.answer(try await harness.send(info: session))
        let stuck = try #require(first)
        harness.fail(stuck, with: ExplainHarness.rateLimited(.seconds(60)))
        let (moved, verdict) = Self.answer(try await harness.send(info: session))
        #expect(verdict == .moved && moved != stuck && moved != nil)
        #expect(await harness.explain(info: session).sticky?.route == moved)
        // Cooling still; once it is over the session stays where it moved.
        harness.fail(stuck, with: nil)
        #expect(Self.answer(try await harness.send(info: session)) == (moved, .hit))
        harness.clock.advance(by: .seconds(61))
        #expect(Self.answer(try await harness.send(info: session)) == (moved, .hit))
        let calledStuck = harness.calls.withLock { $0.filter { $0 == stuck }.count }
        #expect(calledStuck == 2, "the cooling route was called while cooling")
    }

    @Test func theSessionComesFromTheHeaderThenTheUserFieldThenTheOpening() async throws {
        let harness = Self.harness()
        // The header: different conversations, one session.
        let (byHeader, _) = Self.answer(try await harness.send(Self.chat(first: "one"), info: ExplainHarness.info(session: "h")))
        #expect(Self.answer(try await harness.send(Self.chat(first: "two"), info: ExplainHarness.info(session: "h"))) == (byHeader, .hit))
        // The user field, when there is no header.
        let (byUser, _) = Self.answer(try await harness.send(Self.chat(first: "three", user: "u-7")))
        #expect(Self.answer(try await harness.send(Self.chat(first: "four", user: "u-7"))) == (byUser, .hit))
        // The opening: the same system prompt and first message, later turns added.
        let (byOpening, _) = Self.answer(try await harness.send(Self.chat(first: "five")))
        #expect(Self.answer(try await harness.send(Self.chat(first: "five", later: ["and then?", "more"]))) == (byOpening, .hit))
        // Another system prompt, first message or key is another session.
        #expect(Self.answer(try await harness.send(Self.chat(system: "You are verbose.", first: "five"))).1 == .new)
        #expect(Self.answer(try await harness.send(Self.chat(first: "six"))).1 == .new)
        #expect(Self.answer(try await harness.send(Self.chat(first: "five"), info: ExplainHarness.info(key: "other"))).1 == .new)

        let header = StickySession.identify(sessionID: "h", fields: Self.chat(user: "u").fields, keyName: nil)
        let user = StickySession.identify(sessionID: nil, fields: Self.chat(user: "u").fields, keyName: nil)
        let opening = StickySession.identify(sessionID: " ", fields: Self.chat().fields, keyName: nil)
        #expect([header?.source, user?.source, opening?.source] == [.header, .user, .conversation])
        #expect(StickySession.identify(sessionID: nil, fields: ["messages": .array([])], keyName: nil) == nil)
    }

    @Test func offByDefault() async throws {
        let harness = ExplainHarness([("a", 1, { _ in })])
        guard case .answered(let answer) = try await harness.send(info: ExplainHarness.info(session: "s")) else { Issue.record("no answer"); return }
        #expect(answer.sticky == nil)
        #expect(await harness.explain(info: ExplainHarness.info(session: "s")).sticky == nil)
    }

    @Test func theTableIsBoundedAndForgetsTheLeastRecentlyUsed() async throws {
        let sessions = StickySessions<MockClock.Instant>(capacity: 2)
        let now = MockClock.Instant(.zero)
        let later = now.advanced(by: .seconds(60))
        sessions.stick(1, to: "a", until: later)
        sessions.stick(2, to: "b", until: later)
        #expect(sessions.route(for: 1, now: now) == "a") // 1 is now the most recently used
        sessions.stick(3, to: "c", until: later)
        #expect(sessions.count == 2)
        #expect(sessions.route(for: 2, now: now) == nil)
        #expect(sessions.route(for: 1, now: now) == "a" && sessions.route(for: 3, now: now) == "c")
        #expect(sessions.peek(3, now: later) == nil, "an entry lives until its end, not at it")
        #expect(sessions.route(for: 3, now: later) == nil && sessions.count == 1)
        // A full table keeps working: a thousand sessions through two places.
        for key in 10..<1010 { sessions.stick(key, to: "r\(key)", until: later) }
        #expect(sessions.count == 2 && sessions.route(for: 1009, now: now) == "r1009" && sessions.route(for: 1008, now: now) == "r1008")

        // Through the router: capacity 2, three sessions, the first forgotten.
        let harness = Self.harness(capacity: 2)
        for id in ["x", "y", "z"] { _ = try await harness.send(info: ExplainHarness.info(session: id)) }
        #expect(harness.router.stickySessionCount == 2)
        #expect(Self.answer(try await harness.send(info: ExplainHarness.info(session: "x"))).1 == .new)
        #expect(Self.answer(try await harness.send(info: ExplainHarness.info(session: "z"))).1 == .hit)
    }
}
