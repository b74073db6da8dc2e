import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import LLMRouterCore
import LLMRouterServer
import Testing

struct DashboardTests {
    @Test func pageIsSelfContained() async throws {
        let app = try TestApp(yaml: failoverYAML)
        try await app.test { client in
            let response = try await client.execute(uri: "/dashboard", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: response.body)
            #expect(html.contains(#"id="total-requests""#))
            #expect(html.contains(#"id="endpoint-requests""#) && html.contains("summary.requests_by_endpoint"))
            #expect(html.contains(#"{ label: "endpoint", key: "endpoint" }"#))
            // The routes' quota bars, cool-down countdowns and share, and the rule/tier chart.
            for part in [#"class: "quota""#, "data-remaining", "countdown(cool.until)",
                         "requests_by_route", #"id="chart-choices""#, "choices_last_hour", "markFit()", "@media (max-width: 760px)"] {
                #expect(html.contains(part), "page lacks \(part)")
            }
            for endpoint in ["/dashboard/api/summary", "/dashboard/api/requests", "/health/providers", "/v1/models"] {
                #expect(html.contains(endpoint))
            }
            // Nothing is loaded from elsewhere: no external scripts, styles, fonts or images.
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import") && !html.contains("url("))
        }
    }

    @Test func apiReportsTheTrafficItSaw() async throws {
        let app = try TestApp(yaml: failoverYAML)
        try await app.test { client in
            for _ in 0..<3 { _ = try await client.chat(model: "m1") }
            _ = try await client.chat(model: "unknown")
            let summary = try await client.getJSON("/dashboard/api/summary")
            #expect(summary["total_requests"] as? Int == 4)
            #expect(summary["requests_last_hour"] as? Int == 4)
            #expect(summary["error_rate"] as? Double == 0.25)
            #expect(summary["failover_rate"] as? Double == 0.75)
            let buckets = try #require(summary["buckets"] as? [[String: Any]])
            #expect(buckets.count == 60)
            // The requests may straddle a minute boundary on a slow machine: the last two buckets hold them.
            let lastTwo = buckets.suffix(2).compactMap { $0["requests"] as? Int }
            #expect(lastTwo.reduce(0, +) == 4)
            #expect(buckets.suffix(2).contains { ($0["requests"] as? Int ?? 0) > 0 && $0["latency_p50_ms"] is Double })

            let list = try await client.getJSON("/dashboard/api/requests?limit=2")
            let requests = try #require(list["requests"] as? [[String: Any]])
            #expect(requests.count == 2)
            #expect(requests[0]["status"] as? Int == 404 && requests[0]["model"] as? String == "unknown")
            #expect(requests[1]["provider"] as? String == "steady")
            #expect(requests.map { $0["endpoint"] as? String } == ["chat", "chat"])
            #expect(summary["requests_by_endpoint"] as? [String: Int] == ["chat": 4, "embeddings": 0, "messages": 0, "responses": 0])
            #expect(requests[1]["attempts"] as? [String] == ["flaky: simulated", "steady: ok"])
        }
    }

    static let choicesYAML = """
        routing:
          rules:
            - name: small-first
              when: {model: small}
              then: {prefer: [limited]}
        providers:
          - {name: spare, type: echo, model: small, priority: 1}
          - {name: limited, type: echo, model: small, priority: 2, rate_limit: {rpm: 3}}
        """

    /// What the routes table and the rule chart read: the share each route answered, rule hits
    /// per minute, the rule per request, and the configured limit against its counter.
    @Test func apiReportsRuleHitsRouteSharesAndQuota() async throws {
        let app = try TestApp(yaml: Self.choicesYAML)
        try await app.test { client in
            for _ in 0..<5 { #expect(try await client.chat(model: "small").status == .ok) }
            _ = try await client.chat(model: "unknown")
            let summary = try await client.getJSON("/dashboard/api/summary")
            #expect(summary["requests_by_route"] as? [String: Int] == ["limited": 3, "spare": 2])
            #expect(summary["choices_last_hour"] as? [String: Int] == ["rule:small-first": 5])
            let buckets = try #require(summary["buckets"] as? [[String: Any]])
            let ruleHits = buckets.suffix(2).compactMap { ($0["choices"] as? [String: Int])?["rule:small-first"] }
            #expect(ruleHits.reduce(0, +) == 5)
            #expect(buckets.first?["choices"] as? [String: Int] == [:], "a quiet minute has no labels")

            let list = try await client.getJSON("/dashboard/api/requests?limit=2")
            let requests = try #require(list["requests"] as? [[String: Any]])
            #expect(requests.map { $0["rule"] as? String } == [nil, "small-first"])

            let health = try await client.getJSON("/health/providers")
            let providers = try #require(health["providers"] as? [[String: Any]])
            let limited = try #require(providers.first { $0["name"] as? String == "limited" })
            let limits = try #require(limited["limits"] as? [String: Any])
            #expect((limits["configured"] as? [String: Any])?["rpm"] as? Int == 3)
            #expect((limits["used"] as? [String: Any])?["requests_last_minute"] as? Int == 3)
        }
    }
}

struct RecentRequestsTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func record(minutesAgo: Int, latencyMs: Int, status: Int = 200, id: String = "r") -> RequestRecord {
        RequestRecord(
            startedAt: now.addingTimeInterval(Double(-minutesAgo * 60)), requestID: id, status: status,
            latency: .milliseconds(latencyMs), timeToFirstToken: .milliseconds(latencyMs / 2)
        )
    }

    @Test func bucketsPerMinuteWithPercentilesAndForgetsTheOldHour() {
        let recent = RecentRequests(minutes: 60, capacity: 3)
        recent.record(Self.record(minutesAgo: 90, latencyMs: 9, id: "ancient"))
        for latency in [10, 20, 30, 40] { recent.record(Self.record(minutesAgo: 2, latencyMs: latency)) }
        recent.record(Self.record(minutesAgo: 0, latencyMs: 500, status: 503, id: "newest"))
        let summary = recent.summary(now: Self.now)
        #expect(summary.buckets.count == 60)
        #expect(summary.totalRequests == 6)
        #expect(summary.requestsLastHour == 5)
        #expect(summary.errorRate == 0.2)
        let twoAgo = summary.buckets[57]
        #expect(twoAgo.requests == 4 && twoAgo.latencyP50Ms == 20 && twoAgo.latencyP95Ms == 40 && twoAgo.ttftP50Ms == 10)
        #expect(summary.buckets[59].errors == 1)
        #expect(recent.latest(limit: 10).map(\.requestID) == ["newest", "r", "r"])
    }

    @Test func cacheHitsAreTheUpstreamCallsSaved() {
        let recent = RecentRequests(minutes: 60, capacity: 10)
        for hit in [true, true, false, true] {
            var record = Self.record(minutesAgo: 1, latencyMs: 5)
            record.cacheHit = hit
            recent.record(record)
        }
        let summary = recent.summary(now: Self.now)
        #expect(summary.cacheHitsLastHour == 3)
        #expect(summary.cacheHitRate == 0.75)
    }

    @Test func routesAndChoicesPerMinuteSkipCacheHitsAndBoundTheirLabels() {
        let recent = RecentRequests(minutes: 60, capacity: 10)
        for (provider, rule, hit) in [("groq", "cheap", false), ("groq", nil, false), ("groq", "cheap", true), ("nim", "gpu", false)] {
            var record = Self.record(minutesAgo: 1, latencyMs: 5)
            record.provider = provider
            record.rule = rule
            record.cacheHit = hit
            recent.record(record)
        }
        recent.record(Self.record(minutesAgo: 70, latencyMs: 5))
        for index in 0...RecentRequests.labelsPerMinute {
            var record = Self.record(minutesAgo: 3, latencyMs: 5)
            record.rule = "rule-\(index)"
            recent.record(record)
        }
        let summary = recent.summary(now: Self.now)
        #expect(summary.requestsByRoute == ["groq": 2, "nim": 1], "a cache hit took no route's quota")
        #expect(summary.buckets[58].choices == ["rule:cheap": 2, "rule:gpu": 1])
        #expect(summary.buckets[56].choices.count == RecentRequests.labelsPerMinute + 1)
        #expect(summary.buckets[56].choices["other"] == 1, "labels past the bound count as other")
        #expect(summary.choicesLastHour["rule:cheap"] == 2 && summary.choicesLastHour["rule:rule-0"] == 1)
        #expect(ChoiceLabel.labels(Self.record(minutesAgo: 0, latencyMs: 1)) == [])
    }

    @Test func autoTiersAreChoicesOncePerRequest() {
        var routed = Self.record(minutesAgo: 0, latencyMs: 1)
        routed.rule = "cheap"
        routed.autoTier = "code"
        #expect(ChoiceLabel.labels(routed) == ["rule:cheap", "auto:code"])
        // A cascade records both steps; the discarded one is not counted again.
        var discarded = Self.record(minutesAgo: 0, latencyMs: 1)
        discarded.autoTier = "default"
        discarded.errorCode = "cascade_length"
        #expect(ChoiceLabel.labels(discarded) == [])
    }
}
