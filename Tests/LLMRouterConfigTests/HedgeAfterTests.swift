import LLMRouterConfig
import LLMRouterCore
import Testing

/// `routing.hedge_after_ms` and `routing.models.NAME.hedge_after_ms`: off by default, whole
/// milliseconds otherwise, zero for off, a clear error for anything else.
struct HedgeAfterTests {
    static func routing(_ lines: String) throws -> RoutingConfiguration {
        let yaml = "routing:\n\(lines)\nproviders:\n  - {name: e, type: echo}\n"
        return try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration.routing
    }

    @Test func offByDefault() throws {
        let hedging = try Self.routing("  policy: priority").hedging
        #expect(!hedging.isConfigured)
        #expect(hedging.delay(for: "m") == nil)
    }

    @Test func readsTheDelayAndPerModelOverrides() throws {
        let routing = try Self.routing("""
              hedge_after_ms: 1500
              models:
                llama-3.3-70b: {policy: least_latency, hedge_after_ms: 800}
                gemma: {hedge_after_ms: 0}
            """)
        #expect(routing.hedging.after == .milliseconds(1500))
        #expect(routing.hedging.delay(for: "llama-3.3-70b") == .milliseconds(800))
        #expect(routing.hedging.delay(for: "gemma") == nil, "zero turns it off for that model")
        #expect(routing.hedging.delay(for: "other") == .milliseconds(1500))
        #expect(routing.modelPolicies["llama-3.3-70b"] == .leastLatency)
        #expect(routing.modelPolicies["gemma"] == nil)
        #expect(try Self.routing("  hedge_after_ms: 0").hedging.after == nil)
    }

    @Test(arguments: ["  hedge_after_ms: -1", "  hedge_after_ms: soon", "  hedge_after_ms: 1.5", "  models:\n    m: {hedge_after_ms: -5}", "  models:\n    m: {}"])
    func refusesAnythingElseNamingTheField(_ lines: String) {
        #expect {
            _ = try Self.routing(lines)
        } throws: { error in
            "\(error)".contains("routing.") && "\(error)".contains("router.yaml")
        }
    }
}
