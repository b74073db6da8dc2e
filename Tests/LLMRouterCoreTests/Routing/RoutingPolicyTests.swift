import LLMRouterCore
import LLMRouterTesting
import Testing

/// A state view with fixed figures.
struct FixedView: RouteStateView {
    var latency: [String: Double] = [:]
    var room: [String: Double] = [:]
    func latencyEWMA(_ route: String) -> Double? { latency[route] }
    func headroom(_ route: String) -> Double? { room[route] }
}

struct RoutingPolicyTests {
    static func routes(_ specs: [(String, Int, Double)]) -> [Route] {
        specs.map { name, priority, weight in
            Route(configuration: ProviderConfiguration(name: name, kind: .echo, priority: priority, weight: weight), provider: EchoStub())
        }
    }

    @Test func priorityPutsLowerFirstAndRotatesTies() {
        let policy = PriorityPolicy()
        let routes = Self.routes([("a", 1, 1), ("b", 1, 1), ("c", 1, 1), ("z", 5, 1), ("first", 0, 1)])
        var firsts: [String: Int] = [:]
        for _ in 0..<300 {
            let ordered = policy.order(routes, state: FixedView()).map(\.name)
            #expect(ordered.first == "first")
            #expect(ordered.last == "z")
            #expect(Set(ordered[1...3]) == ["a", "b", "c"])
            firsts[ordered[1], default: 0] += 1
        }
        #expect(firsts == ["a": 100, "b": 100, "c": 100])
    }

    @Test func roundRobinIgnoresPriority() {
        let policy = RoundRobinPolicy()
        let routes = Self.routes([("a", 1, 1), ("b", 9, 1), ("c", 5, 1)])
        let seen = (0..<3).map { _ in policy.order(routes, state: FixedView()).map(\.name) }
        #expect(seen == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]])
    }

    @Test func weightedDrawsInProportionToWeight() {
        let draws = Locked([0.0, 0.5, 0.99])
        let next: @Sendable () -> Double = { draws.withLock { $0.isEmpty ? 0 : $0.removeFirst() } }
        let policy = WeightedPolicy(random: next)
        let routes = Self.routes([("light", 1, 1), ("heavy", 1, 3), ("never", 1, 0)])
        // Total weight 4: a draw of 0 lands on light (0..<1); then 0.5 × 3 lands on heavy; "never" goes last.
        #expect(policy.order(routes, state: FixedView()).map(\.name) == ["light", "heavy", "never"])
        var counts: [String: Int] = [:]
        let seeded = WeightedPolicy()
        for _ in 0..<4000 { counts[seeded.order(routes, state: FixedView())[0].name, default: 0] += 1 }
        #expect((2700...3300).contains(counts["heavy"] ?? 0), "about three quarters first: \(counts)")
        #expect(counts["never"] == nil)
    }

    @Test func leastLatencyPrefersFastAndUnmeasuredAndExplores() {
        let routes = Self.routes([("slow", 1, 1), ("fast", 1, 1), ("new", 1, 1)])
        let view = FixedView(latency: ["slow": 900, "fast": 120])
        let steady = LeastLatencyPolicy(exploration: 0.05, random: { 0.5 })
        #expect(steady.order(routes, state: view).map(\.name) == ["new", "fast", "slow"])
        let exploring = Locked([0.01, 0.99])
        let explorer = LeastLatencyPolicy(exploration: 0.05, random: { exploring.withLock { $0.isEmpty ? 0.5 : $0.removeFirst() } })
        #expect(explorer.order(routes, state: view).first?.name == "slow", "a random route goes first now and then")
    }

    @Test func headroomPrefersTheRouteWithMostQuotaLeft() {
        let routes = Self.routes([("tight", 1, 1), ("roomy", 2, 1), ("unknown", 3, 1)])
        let view = FixedView(room: ["tight": 0.1, "roomy": 0.8])
        #expect(HeadroomPolicy().order(routes, state: view).map(\.name) == ["unknown", "roomy", "tight"])
    }

    @Test func perModelPolicyOverridesTheDefault() {
        let table = RoutingTable(
            routes: Self.routes([("a", 1, 1)]),
            routing: RoutingConfiguration(policy: .priority, modelPolicies: ["Llama-3.3-70B": .leastLatency])
        )
        #expect(table.policy(for: "llama-3.3-70b") is LeastLatencyPolicy)
        #expect(table.policy(for: "other") is PriorityPolicy)
        #expect(table.policy(for: nil) is PriorityPolicy)
    }
}

/// A provider that is never called by these tests.
struct EchoStub: Provider {
    func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion {
        throw UpstreamFailure(kind: .serverError, message: "not called")
    }

    func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream {
        throw UpstreamFailure(kind: .serverError, message: "not called")
    }
}
