import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterCore
import LLMRouterServer
import NIOCore
import Prometheus
import Testing

/// Over HTTP: the headers a client sees for a hedged answer and a budget skip, and today's
/// spend in `/metrics`. The race itself is tested on the mock clock in Core; here the echo
/// provider's real latency makes one route slow.
struct HedgeAndBudgetHTTPTests {
    static let hedged = HTTPField.Name("X-LLMRouter-Hedged")!
    static let skipped = HTTPField.Name("X-LLMRouter-Skipped")!

    @Test func aHedgedAnswerSaysSoAndCountsBothCalls() async throws {
        let recorder = RecordingRecorder()
        let app = try TestApp(yaml: """
            routing: {hedge_after_ms: 20}
            providers:
              - {name: slow, type: echo, model: m, priority: 1, mock_latency_ms: 30000}
              - {name: quick, type: echo, model: m, priority: 2}
            """, recorder: recorder)
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.status == .ok)
            #expect(response.headers[Self.hedged] == "true")
            #expect(response.headers[.provider] == "quick")
            #expect(response.headers[.attempts] == "2")
        }
        let record = try #require(recorder.records.last)
        #expect(record.attempts.map(\.outcome) == ["ok", "cancelled"])
    }

    @Test func noHedgeHeaderWhenTheFirstRouteAnswersInTime() async throws {
        let app = try TestApp(yaml: """
            routing: {hedge_after_ms: 10000}
            providers:
              - {name: one, type: echo, model: m, priority: 1}
              - {name: two, type: echo, model: m, priority: 2}
            """)
        try await app.test { client in
            let response = try await client.chat(model: "m")
            #expect(response.headers[Self.hedged] == nil && response.headers[.attempts] == "1")
        }
    }

    @Test func aSpentBudgetSkipsThePaidRouteAndMetricsShowTheSpend() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try TestApp(yaml: """
            budget: {usd_per_day: 0.000001}
            providers:
              - {name: free, type: echo, model: m, priority: 1, mock_failure_rate: 1}
              - {name: premium, type: echo, model: m, priority: 2, price: {input: 1, output: 1}}
            """, metrics: registry)
        try await app.test { client in
            let first = try await client.chat(model: "m")
            #expect(first.status == .ok && first.headers[.provider] == "premium")
            let second = try await client.chat(model: "m")
            #expect(second.status != .ok)
            #expect(second.headers[Self.skipped]?.contains("premium (budget: ") == true, "\(second.headers)")
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let line = text.split(separator: "\n").first { $0.hasPrefix(#"llmrouter_spend_usd{key="-"}"#) }
            let spent = line.flatMap { Double($0.split(separator: " ").last ?? "") }
            #expect((spent ?? 0) > 0, "\(text)")
            #expect(text.contains(#"llmrouter_route_skips_total{route="premium",reason="budget"} 1"#), "\(text)")
        }
    }
}
