import Foundation
import LLMRouterCore
import LLMRouterTesting
import Logging
import Testing

/// Paid fallbacks within a budget, on the mock clock: free routes first, paid ones skipped with
/// reason `budget` once the day's settled spend reaches the router's or the key's budget.
struct BudgetTests {
    /// 2025-06-15 23:00 UTC: an hour before a new UTC day.
    static let lateEvening = Date(timeIntervalSince1970: 1_750_028_400)

    /// An answer that reports `prompt` prompt tokens and no completion.
    static func answering(prompt: Int) -> RouterHarness.Script {
        { _, _ in UpstreamReport(promptTokens: prompt, completionTokens: 0) }
    }

    /// $1 per million prompt tokens, $2 per million completion tokens.
    static let paid: @Sendable (inout ProviderConfiguration) -> Void = { $0.price = RoutePrice(inputPerMillion: 1, outputPerMillion: 2) }

    static func routing(budget: Double?, policy: RoutingPolicyName = .priority) -> RoutingConfiguration {
        var routing = RoutingConfiguration(policy: policy, maxWait: .zero)
        routing.budgetUSDPerDay = budget
        return routing
    }

    static func send(_ harness: RouterHarness, key: String? = nil, keyBudget: Double? = nil) async throws -> RoutingOutcome<ChatCompletion> {
        var info = RequestInfo(requestID: "budget", keyName: key, logger: Logger(label: "test"))
        info.keyBudgetUSDPerDay = keyBudget
        return try await harness.router.route(
            CompleteChat(RouterHarness.request), model: "m", table: harness.table, deadline: harness.clock.now.advanced(by: .seconds(60)), info: info
        )
    }

    @Test func freeRoutesComeBeforePaidOnesWhateverTheirPriority() async throws {
        let harness = RouterHarness([
            ("premium", { Self.paid(&$0); $0.priority = 1 }, Scripts.ok),
            ("free", { $0.priority = 5 }, Scripts.ok),
        ])
        #expect(try await harness.send().answeredBy == "free")
        #expect(harness.calls("premium") == 0)
    }

    @Test func aPaidRouteIsAFallbackWhenTheFreeOnesFail() async throws {
        let harness = RouterHarness([
            ("free", Scripts.none, Scripts.fail(.serverError, status: 503)),
            ("premium", Self.paid, Self.answering(prompt: 500_000)),
        ], routing: Self.routing(budget: 5))
        #expect(try await harness.send().answeredBy == "premium")
        #expect(harness.router.spentToday() == [SpendLedger.noKey: 0.5])
        #expect(harness.recorded.withLock { $0.last?.estimatedCostUSD } == 0.5)
    }

    @Test func theBudgetHoldsAtItsBoundary() async throws {
        // Each answer costs $0.999 (999,000 prompt tokens at $1 a million); the budget is $1.
        let harness = RouterHarness([("premium", Self.paid, Self.answering(prompt: 999_000))], routing: Self.routing(budget: 1), wallStart: Self.lateEvening)
        #expect(try await harness.send().answeredBy == "premium", "nothing spent yet")
        #expect(try await harness.send().answeredBy == "premium", "$0.999 is just under $1")
        let refused = try await harness.send()
        guard case .exhausted(let attempts, _) = refused else {
            Issue.record("expected the paid route skipped, got \(refused)")
            return
        }
        #expect(attempts.map(\.summary) == ["premium: skipped (budget: $2.00 of $1.00 spent today)"])
        #expect(harness.calls("premium") == 2)
        #expect(harness.recorded.withLock { $0.last?.attempts.first?.skipReason }?.hasPrefix("budget") == true)
    }

    @Test func spendReachingTheBudgetExactlySkips() async throws {
        let harness = RouterHarness([
            ("premium", Self.paid, Self.answering(prompt: 500_000)),
            ("free-later", { $0.priority = 9 }, Scripts.fail(.serverError, status: 503)),
        ], routing: Self.routing(budget: 1))
        #expect(try await harness.send().answeredBy == "premium")
        #expect(try await harness.send().answeredBy == "premium")
        #expect(harness.router.spentToday()[SpendLedger.noKey] == 1.0)
        #expect(try await harness.send().answeredBy == nil, "$1.00 of $1.00: at the budget, skipped")
        #expect(harness.calls("premium") == 2)
    }

    @Test func aNewUTCDayStartsFromZero() async throws {
        let harness = RouterHarness([("premium", Self.paid, Self.answering(prompt: 1_000_000))], routing: Self.routing(budget: 1), wallStart: Self.lateEvening)
        #expect(try await harness.send().answeredBy == "premium")
        harness.clock.advance(by: .seconds(3599))
        #expect(try await harness.send().answeredBy == nil, "23:59:59 is still today")
        harness.clock.advance(by: .seconds(1))
        #expect(harness.router.spentToday().isEmpty)
        #expect(try await harness.send().answeredBy == "premium", "midnight UTC: a new day's budget")
    }

    @Test func aKeysBudgetHoldsOnlyThatKey() async throws {
        let harness = RouterHarness([("premium", Self.paid, Self.answering(prompt: 1_000_000))], routing: Self.routing(budget: nil))
        #expect(try await Self.send(harness, key: "alice", keyBudget: 1).answeredBy == "premium")
        #expect(try await Self.send(harness, key: "alice", keyBudget: 1).answeredBy == nil, "alice spent her $1")
        #expect(try await Self.send(harness, key: "bob", keyBudget: 5).answeredBy == "premium")
        #expect(try await Self.send(harness, key: "carol").answeredBy == "premium", "no budget at all: no limit")
        #expect(harness.router.spentToday() == ["alice": 1, "bob": 1, "carol": 1])
    }

    @Test func theRoutersBudgetCountsEveryKey() async throws {
        let harness = RouterHarness([("premium", Self.paid, Self.answering(prompt: 1_000_000))], routing: Self.routing(budget: 2))
        #expect(try await Self.send(harness, key: "alice").answeredBy == "premium")
        #expect(try await Self.send(harness, key: "bob", keyBudget: 10).answeredBy == "premium")
        #expect(try await Self.send(harness, key: "carol", keyBudget: 10).answeredBy == nil, "$2 spent by two keys")
    }

    @Test func freeRoutesAreNeverHeldBack() async throws {
        let harness = RouterHarness([("free", Scripts.none, Self.answering(prompt: 10_000_000))], routing: Self.routing(budget: 0))
        #expect(try await harness.send().answeredBy == "free")
        #expect(try await harness.send().answeredBy == "free")
    }

    @Test func aStreamsSpendIsCountedWhenItEnds() async throws {
        // The harness's stream reports 12 prompt and 34 completion tokens.
        let harness = RouterHarness([("premium", { $0.price = RoutePrice(inputPerMillion: 1_000_000, outputPerMillion: 1_000_000) }, Scripts.ok)], routing: Self.routing(budget: 100))
        let outcome = try await harness.sendStream()
        guard case .answered(let answer) = outcome else {
            Issue.record("expected a stream, got \(outcome)")
            return
        }
        #expect(harness.router.spentToday().isEmpty, "nothing is settled before the stream ends")
        while try await answer.output.next() != nil {}
        #expect(harness.router.spentToday()[SpendLedger.noKey] == 46)
    }

    @Test func policyCostOrdersByEstimatedCostFreeFirst() async throws {
        let harness = RouterHarness([
            ("dear", { $0.price = RoutePrice(inputPerMillion: 3, outputPerMillion: 15); $0.priority = 1 }, Scripts.ok),
            ("cheap", { $0.price = RoutePrice(inputPerMillion: 0.1, outputPerMillion: 0.4); $0.priority = 2 }, Scripts.ok),
            ("unpriced", { $0.allowPaid = true; $0.priority = 0 }, Scripts.ok),
            ("free", { $0.priority = 3 }, Scripts.fail(.serverError, status: 503)),
        ], routing: Self.routing(budget: nil, policy: .cost))
        let outcome = try await harness.send()
        #expect(outcome.answeredBy == "cheap")
        #expect(harness.calls("free") == 1, "free first")
        #expect(harness.calls("dear") == 0)
        let routes = harness.table.routes
        #expect(CostPolicy().order(routes, state: harness.state).map(\.name) == ["free", "cheap", "dear", "unpriced"])
    }

    @Test func explainShowsABudgetSkip() async throws {
        let harness = RouterHarness([
            ("premium", Self.paid, Self.answering(prompt: 1_000_000)),
            ("free", { $0.priority = 9 }, Scripts.fail(.serverError, status: 503)),
        ], routing: Self.routing(budget: 1))
        #expect(try await harness.send().answeredBy == "premium")
        let explanation = await harness.router.explain(
            CompleteChat(RouterHarness.request), model: "m", table: harness.table, info: RequestInfo(requestID: "explain", logger: Logger(label: "test"))
        )
        let premium = try #require(explanation.routes.first { $0.name == "premium" })
        #expect(premium.skip == "budget")
        #expect(premium.status == .skipped)
        #expect(explanation.routes.map(\.name) == ["free", "premium"], "free first")
    }
}
