import Foundation
import LLMRouterCore
import LLMRouterUsage
import Testing

/// `model: auto`'s tier and a cascade's path are kept per row; stats counts them per tier and
/// in total, and splits or filters by the instance that wrote each row.
struct UsageAutoStatsTests {
    /// Three auto requests (two code, one simple) of which one cascaded (two rows, one request
    /// id), and one request that named its model.
    static func autoLog(now: Date) -> [RequestRecord] {
        func auto(_ id: String, tier: String, cascade: String? = nil, latencyMs: Int) -> RequestRecord {
            var written = record(id, at: now, model: "auto", latencyMs: latencyMs)
            written.autoTier = tier
            written.cascade = cascade
            return written
        }
        let trail = "llama-3.1-8b -> llama-3.3-70b; reason=length"
        return [
            auto("c1", tier: "code", latencyMs: 100),
            auto("c2", tier: "code", cascade: trail, latencyMs: 200),
            auto("c2", tier: "code", cascade: trail, latencyMs: 300),
            auto("s1", tier: "simple", latencyMs: 40),
            record("named", at: now, model: "llama-3.3-70b", latencyMs: 50),
        ]
    }

    @Test func statsCountRequestsPerTierAndCascadesOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        try await store.insert(Self.autoLog(now: now))
        let report = try await UsageStatsReport.load(from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .tier, referencePrice: nil)
        await store.close()

        #expect(report.rows.map { "\($0.group): \($0.requests) rows, \($0.autoRequests) auto, \($0.cascades) cascades" } == [
            "code: 3 rows, 3 auto, 1 cascades", "(none): 1 rows, 0 auto, 0 cascades", "simple: 1 rows, 1 auto, 0 cascades",
        ])
        #expect(report.rows.first?.latencyMs == .init(p50: 200, p95: 300))
        #expect(report.total.autoRequests == 4 && report.total.cascades == 1)
        let table = report.table()
        #expect(table.split(separator: "\n")[1].hasPrefix("tier "))
        #expect(table.contains("model auto: 4 requests sorted into tiers (--by tier splits them); cascades: 1 requests tried a cheaper model first"))
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        let total = try #require(object?["total"] as? [String: Any])
        #expect(total["auto_requests"] as? Int == 4 && total["cascades"] as? Int == 1)
        #expect(object?["by"] as? String == "tier" && object?["instance"] == nil)
    }

    @Test func withoutAutoTrafficTheTableSaysNothingOfIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let store = try await UsageStore.open(path: folder.path("usage.sqlite"), logger: testLogger)
        try await store.insert([record("plain", at: now)])
        let report = try await UsageStatsReport.load(from: store, since: now.addingTimeInterval(-3600), until: now, grouping: .total, referencePrice: nil)
        await store.close()
        #expect(!report.table().contains("model auto"))
        #expect(report.total.requests == 1 && report.total.autoRequests == 0)
    }

    @Test func rowsNameTheirInstanceAndStatsSplitOrFilterByIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let now = Date()
        let path = folder.path("usage.sqlite")
        // Two processes writing one file, as they may on one machine.
        let first = try await UsageStore.open(path: path, instance: "host-11-1", logger: testLogger)
        let second = try await UsageStore.open(path: path, instance: "host-22-2", logger: testLogger)
        try await first.insert((1...3).map { record("a\($0)", at: now) })
        try await second.insert([record("b1", at: now, latencyMs: 900)])
        await first.close()
        await second.close()
        let unnamed = try await UsageStore.open(path: path, logger: testLogger)
        try await unnamed.insert([record("c1", at: now)])
        let since = now.addingTimeInterval(-3600)
        let byInstance = try await UsageStatsReport.load(from: unnamed, since: since, until: now, grouping: .instance, referencePrice: nil)
        let onlySecond = try await UsageStatsReport.load(
            from: unnamed, since: since, until: now, grouping: .provider, instance: "host-22-2", referencePrice: nil
        )
        await unnamed.close()

        #expect(byInstance.rows.map { "\($0.group)=\($0.requests)" } == ["host-11-1=3", "(none)=1", "host-22-2=1"])
        #expect(byInstance.total.requests == 5)
        #expect(onlySecond.total.requests == 1 && onlySecond.total.latencyMs.p50 == 900)
        #expect(onlySecond.rows.map(\.group) == ["groq"])
        #expect(onlySecond.table().hasPrefix("since ") && onlySecond.table().split(separator: "\n")[0].hasSuffix("; instance host-22-2"))
        let object = try JSONSerialization.jsonObject(with: Data(try onlySecond.json().utf8)) as? [String: Any]
        #expect(object?["instance"] as? String == "host-22-2")
    }
}
