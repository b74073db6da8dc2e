import Foundation
import LLMRouterUsage
import Testing

struct UsageStatsRenderingTests {
    static let report = UsageStatsReport(
        since: Date(timeIntervalSince1970: 1_700_000_000),
        until: Date(timeIntervalSince1970: 1_700_086_400),
        grouping: .provider,
        referencePrice: ReferencePrice(inputPerMillion: 0.59, outputPerMillion: 0.79),
        rows: [
            UsageStatsRow(
                group: "groq", requests: 8, failures: 1, failovers: 2, promptTokens: 1_000_000, completionTokens: 500_000,
                latencyMs: .init(p50: 120.25, p95: 480), timeToFirstTokenMs: .init(p50: 60, p95: 90)
            ),
            UsageStatsRow(group: "openrouter", requests: 2, promptTokens: 0, completionTokens: 0),
        ],
        total: UsageStatsRow(
            group: "total", requests: 10, failures: 1, failovers: 2, promptTokens: 1_000_000, completionTokens: 500_000,
            latencyMs: .init(p50: 130, p95: 480), timeToFirstTokenMs: .init(p50: 60, p95: 90)
        )
    )

    @Test func tableShowsEachGroupTheTotalAndTheSaving() {
        let table = Self.report.table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("provider") && lines[1].contains("failover"))
        #expect(lines[2].hasPrefix("groq") && lines[2].contains("12.5%") && lines[2].contains("25%") && lines[2].contains("120.3"))
        #expect(lines[3].hasPrefix("openrouter") && lines[3].contains("-"))
        #expect(lines[4].hasPrefix("total") && lines[4].contains("1000000") && lines[4].contains("500000"))
        // 1M in at 0.59 + 0.5M out at 0.79 = 0.985.
        #expect(table.contains("would have cost $0.985; the free tiers saved $0.985"))
    }

    @Test func spendGetsAColumnOnlyWhenPaidRoutesSpent() {
        #expect(!Self.report.table().contains("spend $"), "free traffic keeps its table")
        let report = UsageStatsReport(
            since: Self.report.since, until: Self.report.until, grouping: .key, referencePrice: nil,
            rows: [
                UsageStatsRow(group: "alice", requests: 3, promptTokens: 3_000_000, costUSD: 2.64),
                UsageStatsRow(group: "bob", requests: 1, promptTokens: 100),
            ],
            total: UsageStatsRow(group: "total", requests: 4, promptTokens: 3_000_100, costUSD: 2.64)
        )
        let lines = report.table().split(separator: "\n").map(String.init)
        #expect(lines[1].hasSuffix("spend $"))
        #expect(lines[2].hasPrefix("alice") && lines[2].hasSuffix("2.64"))
        #expect(lines[3].hasPrefix("bob") && lines[3].hasSuffix(" 0"))
        #expect(lines[4].hasPrefix("total") && lines[4].hasSuffix("2.64"))
        #expect(report.table().contains("estimated cost at route prices: $2.64"))
    }

    @Test func jsonIsStableAndCarriesTheSaving() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try Self.report.json().utf8)) as? [String: Any]
        let total = try #require(object?["total"] as? [String: Any])
        #expect(object?["by"] as? String == "provider")
        #expect(object?["since"] as? String == "2023-11-14T22:13:20Z")
        #expect(total["requests"] as? Int == 10)
        #expect(total["failover_rate"] as? Double == 0.2)
        #expect(total["latency_p50_ms"] as? Double == 130)
        #expect(total["reference_cost_usd"] as? Double == 0.985)
        #expect(total["saved_usd"] as? Double == 0.985)
        let groups = try #require(object?["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["groq", "openrouter"])
        #expect(groups[1]["latency_p50_ms"] == nil)
    }

    @Test func byEndpointNamesTheColumnAndEachAPI() throws {
        let report = UsageStatsReport(
            since: Self.report.since, until: Self.report.until, grouping: .endpoint, referencePrice: nil,
            rows: [
                UsageStatsRow(group: "chat", requests: 7, promptTokens: 700, completionTokens: 350),
                UsageStatsRow(group: "embeddings", requests: 3, promptTokens: 90),
            ],
            total: UsageStatsRow(group: "total", requests: 10, promptTokens: 790, completionTokens: 350)
        )
        let lines = report.table().split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("endpoint  ") && lines[1].contains("requests"))
        #expect(lines[2].hasPrefix("chat ") && lines[2].contains(" 7 ") && lines[2].contains("700"))
        #expect(lines[3].hasPrefix("embeddings ") && lines[3].contains(" 3 ") && lines[3].contains("90"))
        #expect(lines[4].hasPrefix("total ") && lines[4].contains("790"))
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        #expect(object?["by"] as? String == "endpoint")
        let groups = try #require(object?["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["chat", "embeddings"])
        #expect(groups.map { $0["requests"] as? Int } == [7, 3])
    }

    @Test func flagValuesAreReadOrNamedInTheError() throws {
        #expect(try UsageStatsArguments.period("24h") == .seconds(86_400))
        #expect(try UsageStatsArguments.period("90m") == .seconds(5_400))
        #expect(try UsageStatsArguments.period("7d") == .seconds(604_800))
        #expect(try UsageStatsArguments.period("1.5h") == .seconds(5_400))
        #expect(try UsageStatsArguments.referencePrice("0.59, 0.79") == ReferencePrice(inputPerMillion: 0.59, outputPerMillion: 0.79))
        #expect(try UsageStatsArguments.grouping("Provider") == .provider)
        #expect(try UsageStatsArguments.grouping("endpoint") == .endpoint)
        for bad in ["24", "h", "yesterday", "-1h", "0d"] {
            let error = #expect(throws: UsageStatsArguments.Failure.self) { _ = try UsageStatsArguments.period(bad) }
            #expect(error?.message.hasPrefix("--since must be a number followed by s, m, h, d or w") == true)
        }
        for bad in ["0.59", "a,b", "1,2,3", "-1,2"] {
            let error = #expect(throws: UsageStatsArguments.Failure.self) { _ = try UsageStatsArguments.referencePrice(bad) }
            #expect(error?.message.hasPrefix("--reference-price must be two prices per million tokens") == true)
        }
        let error = #expect(throws: UsageStatsArguments.Failure.self) { _ = try UsageStatsArguments.grouping("region") }
        #expect(error?.message == "--by must be provider, model, key, endpoint, tier or instance, got 'region'")
    }
}
