import Foundation
import InMemoryLogging
import LLMRouterCore
import LLMRouterShared
import Logging
import Prometheus
import Testing

/// A database that cannot be reached: the router serves on its own state, says so once, and
/// never shows the password. Needs no PostgreSQL (nothing listens on port 1).
struct DatabaseAwayTests {
    @Test func requestsAreAnsweredAndTheOutageIsReportedOnceWithoutThePassword() async throws {
        let password = "never-log-this-pw-42"
        let url = try DatabaseURL("postgres://router:\(password)@127.0.0.1:1/shared?sslmode=disable")
        let logs = InMemoryLogHandler()
        let registry = PrometheusCollectorRegistry()
        let instance = RouterInstance(
            url: url, instance: "alone", refusing: ["primary": .seconds(30)], syncInterval: .milliseconds(20),
            logger: Logger(label: "shared", factory: { _ in logs }), metrics: PrometheusMetricsFactory(registry: registry)
        )
        try await instance.running {
            try await waitFor("the outage to be noticed", limit: .seconds(30)) { instance.shared.health.isUp == false }
            let started = ContinuousClock.now
            for _ in 0..<20 {
                #expect(try await instance.send() == "backup")
            }
            print("20 requests with the database away in \((ContinuousClock.now - started).milliseconds) ms")
            #expect(instance.calls("primary") == 1, "the local cool-down still holds the refused route")
            // Cool-downs started while away wait for the database; many failed rounds pass.
            try await Task.sleep(for: .milliseconds(400))
        }
        let warnings = logs.entries.filter { $0.level >= .warning }
        #expect(warnings.count == 1, "one warning per outage, not one per retry")
        #expect(warnings.first?.message.description.hasPrefix("shared state unavailable") == true)
        #expect(warnings.first?.metadata["llmrouter.database"]?.description == "postgres://router:***@127.0.0.1:1/shared?sslmode=disable")
        let logged = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!logged.contains(password))
        let metrics = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        #expect(metrics.contains("\(SharedStateHealth.gaugeLabel) 0"))
        #expect(!metrics.contains(password))
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
