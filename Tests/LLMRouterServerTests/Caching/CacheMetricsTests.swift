import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import LLMRouterServer
import NIOCore
import Prometheus
import Testing

/// The cache's metrics as `/metrics` shows them with the semantic layer on: the hit rate is the
/// clients', and the lookup time histogram can tell microseconds apart.
struct CacheMetricsTests {
    static let question = #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"tell me a long story please"}]}"#

    static func metrics(_ client: some TestClientProtocol) async throws -> String {
        String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
    }

    @Test func theSemanticLayersOwnEmbeddingLookupsAreNotCountedAsRequests() async throws {
        let registry = PrometheusCollectorRegistry()
        let settings = ResponseCacheSettings(ttl: .seconds(60), semantic: SemanticCacheSettings(model: "e"))
        let cache = ResponseCache(settings: settings, metrics: MetricsBootstrap.factory(registry: registry))
        let app = try TestApp(yaml: ResponseCacheRoutesTests.yaml, metrics: registry, cache: cache)
        try await app.test { client in
            #expect(try await client.chat(Self.question).headers[ResponseCacheRoutesTests.cacheHeader] == "miss")
            // The answer is stored off the request path; the question's embedding is not an entry.
            var text = try await Self.metrics(client)
            for _ in 0..<200 where !text.contains("llmrouter_cache_stores_total 1") {
                try await Task.sleep(for: .milliseconds(10))
                text = try await Self.metrics(client)
            }
            #expect(text.contains("llmrouter_cache_stores_total 1"))
            #expect(try await client.chat(Self.question).headers[ResponseCacheRoutesTests.cacheHeader] == "hit")
            text = try await Self.metrics(client)
            for expected in [
                #"llmrouter_cache_requests_total{result="miss"} 1"#,
                #"llmrouter_cache_requests_total{result="hit"} 1"#,
                #"llmrouter_cache_requests_total{result="semantic_hit"} 0"#,
                "llmrouter_cache_semantic_lookup_seconds_count 1",
            ] {
                #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
            }
        }
    }

    @Test func theLookupHistogramHasSubMillisecondBuckets() {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.factory(registry: registry)
        let buckets = factory.durationHistogramBuckets[ResponseCache.semanticLookupMetric] ?? factory.defaultDurationHistogramBuckets
        #expect(buckets.first.map { $0 <= .microseconds(10) } == true, "\(buckets)")
        #expect(buckets.contains(.milliseconds(1)) && buckets.last.map { $0 >= .milliseconds(10) } == true, "\(buckets)")
    }
}
