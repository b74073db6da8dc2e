import Foundation
import LLMRouterCore
import LLMRouterUsage
import Logging

/// A fresh folder under the system temporary directory, removed by `cleanup()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("llmrouter-usage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

let testLogger = Logger(label: "llmrouter.usage.tests")

/// A record with the fields the tests vary; `minutesAgo` counts back from `now`.
func record(
    _ id: String,
    at now: Date = Date(),
    minutesAgo: Double = 1,
    provider: String? = "groq",
    model: String? = "llama-3.3-70b",
    key: String? = nil,
    endpoint: String = "chat",
    status: Int = 200,
    errorCode: String? = nil,
    latencyMs: Int = 100,
    ttftMs: Int? = nil,
    calledProviders: Int = 1,
    tokens: (Int, Int)? = (10, 20),
    cost: Double? = 0
) -> RequestRecord {
    let attempts = (0..<calledProviders).map { index in
        RequestRecord.Attempt(
            provider: index == calledProviders - 1 ? (provider ?? "none") : "failed-\(index)",
            outcome: index == calledProviders - 1 && status == 200 ? "ok" : "rate_limited",
            latency: .milliseconds(latencyMs / max(1, calledProviders))
        )
    }
    return RequestRecord(
        startedAt: now.addingTimeInterval(-minutesAgo * 60),
        requestID: id,
        keyName: key,
        requestedModel: model,
        endpoint: endpoint,
        provider: provider,
        upstreamModel: provider.map { "\($0)/model" },
        attempts: attempts + [.init(provider: "disabled-one", outcome: "skipped", skipReason: "disabled: missing KEY")],
        status: status,
        errorCode: errorCode,
        latency: .milliseconds(latencyMs),
        upstreamLatency: .milliseconds(latencyMs - 1),
        timeToFirstToken: ttftMs.map { .milliseconds($0) },
        promptTokens: tokens?.0,
        completionTokens: tokens?.1,
        estimatedCostUSD: cost
    )
}
