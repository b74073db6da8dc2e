import Foundation
import LLMRouterCatalog
import LLMRouterCore
import LLMRouterProviders
import Synchronization
import Testing

/// `catalog-build --verify` against fake upstreams: quarantines, recorded limits, politeness.
struct RouteVerifierTests {
    /// Answers per upstream model id, in turn; records every call.
    final class FakeChat: Sendable {
        struct Call: Sendable { var url: String; var model: String; var maxTokens: Int?; var authorization: String? }
        let answers: Mutex<[String: [FetchedResponse]]>
        let calls = Mutex<[Call]>([])
        init(_ answers: [String: [FetchedResponse]]) { self.answers = Mutex(answers) }

        var fetcher: ClosureHTTPFetcher {
            ClosureHTTPFetcher(post: { [self] url, headers, body, _ throws(FetchError) in
                let object = (try? JSONValue(parsing: body))?.objectValue
                let model = object?["model"]?.stringValue ?? ""
                var maxTokens: Int?
                if case .integer(let value)? = object?["max_tokens"] { maxTokens = Int(value) }
                calls.withLock { $0.append(Call(url: url, model: model, maxTokens: maxTokens, authorization: headers.first { $0.name == "Authorization" }?.value)) }
                let next = answers.withLock { queue -> FetchedResponse? in
                    guard var list = queue[model], !list.isEmpty else { return nil }
                    let first = list.count > 1 ? list.removeFirst() : list[0]
                    queue[model] = list
                    return first
                }
                if let next { return next }
                throw FetchError(.timeout, message: "no answer")
            }) { _, _, _ throws(FetchError) in throw FetchError(.invalidURL, message: "GET not expected") }
        }
    }

    static func ok(_ headers: [String: String] = [:], body: String = #"{"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}"#) -> FetchedResponse {
        FetchedResponse(status: 200, body: Data(body.utf8), headers: headers)
    }

    static func status(_ code: Int, _ headers: [String: String] = [:]) -> FetchedResponse {
        FetchedResponse(status: code, body: Data(#"{"error": {"message": "nope"}}"#.utf8), headers: headers)
    }

    @Test func quarantinesDeadAndPaidRoutesAndRecordsLimits() async throws {
        let groqLimits = RateLimitConfiguration(requestsPerMinute: 30, requestsPerDay: 1000)
        let index = ModelIndex(providers: ["groq", "openrouter"], models: [
            .init(canonical: "alive", providers: ["groq": .init(model: "g-alive", limits: groqLimits)]),
            .init(canonical: "gone", providers: ["groq": .init(model: "g-gone"), "openrouter": .init(model: "o-gone:free")]),
            .init(canonical: "busy", providers: ["groq": .init(model: "g-busy")]),
            .init(canonical: "costly", providers: ["openrouter": .init(model: "o-costly:free")]),
            .init(canonical: "flaky", providers: ["openrouter": .init(model: "o-flaky:free")]),
        ])
        let chat = FakeChat([
            // Groq's documented headers: limit-requests is per day, limit-tokens per minute.
            "g-alive": [Self.ok(["x-ratelimit-limit-requests": "14400", "x-ratelimit-limit-tokens": "18000", "x-ratelimit-remaining-requests": "14370", "content-type": "application/json"])],
            "g-gone": [Self.status(404)],
            "o-gone:free": [Self.status(410)],
            "g-busy": [Self.status(429, ["retry-after": "2"]), Self.ok()],
            "o-costly:free": [Self.ok(body: #"{"choices": [], "usage": {"cost": 0.00012}}"#)],
            "o-flaky:free": [Self.status(503)],
        ])
        let sleeps = SleepRecorder()
        let lines = Mutex<[String]>([])
        let verifier = RouteVerifier(
            fetcher: chat.fetcher, configuration: .init(concurrency: 2), sleep: sleeps.sleep,
            timestamp: { "2026-11-22T00:00:00Z" }, progress: { line in lines.withLock { $0.append(line) } }
        )
        let endpoints = try Dictionary(uniqueKeysWithValues: [ProviderKind.groq, .openrouter].map { kind in
            (kind, try ProviderEndpoint.resolve(kind, environment: FixtureFetcher.environment([.groq, .openrouter])))
        })
        let (verified, outcomes) = await verifier.verify(index, endpoints: endpoints)

        let alive = try #require(verified.entry(named: "alive")?.providers["groq"])
        #expect(alive.quarantine == nil)
        #expect(alive.limits?.requestsPerDay == 14400, "Groq's x-ratelimit-limit-requests is the daily limit")
        #expect(alive.limits?.tokensPerMinute == 18000)
        #expect(alive.limits?.requestsPerMinute == 30, "documented numbers the headers do not give stay")
        #expect(alive.verification?.rateLimitHeaders == ["x-ratelimit-limit-requests": "14400", "x-ratelimit-limit-tokens": "18000", "x-ratelimit-remaining-requests": "14370"])
        #expect(verified.entry(named: "gone")?.providers["groq"]?.quarantine == .init(reason: "HTTP 404 on the test call", at: "2026-11-22T00:00:00Z"))
        #expect(verified.entry(named: "gone")?.providers["openrouter"]?.quarantine?.reason == "HTTP 410 on the test call")
        #expect(verified.entry(named: "costly")?.providers["openrouter"]?.quarantine?.reason == "paid: the test call cost 0.00012")
        #expect(verified.entry(named: "busy")?.providers["groq"]?.quarantine == nil, "a 429 is retried once after Retry-After")
        #expect(verified.entry(named: "flaky")?.providers["openrouter"]?.quarantine == nil, "a 5xx is transient")
        #expect(outcomes.count == 6)
        #expect(lines.withLock { $0.count } == 6)
        #expect(lines.withLock { $0.contains { $0.hasPrefix("verify ") && $0.contains("/6 groq g-gone: quarantined: HTTP 404") } })

        let calls = chat.calls.withLock { $0 }
        #expect(calls.allSatisfy { $0.maxTokens == 1 })
        #expect(calls.allSatisfy { $0.url.hasPrefix("http://fake.test/") && $0.url.hasSuffix("/v1/chat/completions") })
        #expect(calls.filter { $0.model == "g-busy" }.count == 2)
        // Respectful: Retry-After honoured; routes of one provider spaced by its rpm (60 s / 30 = 2 s) or 1 s.
        #expect(sleeps.recorded.contains(.seconds(2)))
        #expect(sleeps.recorded.allSatisfy { $0 <= .seconds(2) })

        // The server skips quarantined routes; debug-models says why.
        let configured = verified.providerConfigurations(selection: .anyKeyed, environment: Fixtures.keys)
        #expect(!configured.providers.contains { $0.name == "groq/gone" })
        #expect(configured.disabledProviders.contains { $0.name == "groq/gone" && $0.reason.hasPrefix("quarantined since 2026-11-22T00:00:00Z: HTTP 404") })
        let report = ModelsReport.make(index: verified, source: nil, options: .init(requiredProviders: []), environment: Fixtures.keys)
        #expect(report.models.first { $0.canonical == "gone" }?.notServedBy["groq"]?.contains("quarantined") == true)
    }

    /// An embedding route is tested with one `/embeddings` input, never a chat call.
    @Test func embeddingRoutesGetAnEmbeddingsCall() async throws {
        let index = ModelIndex(providers: ["nvidia_nim"], models: [
            .init(canonical: "bge-m3", providers: ["nvidia_nim": .init(model: "baai/bge-m3")], kind: .embeddings, dimensions: 1024),
            .init(canonical: "gone-embedder", providers: ["nvidia_nim": .init(model: "x/gone-embed")], kind: .embeddings),
        ])
        let chat = FakeChat(["baai/bge-m3": [Self.ok(body: #"{"data": [{"embedding": [0.1]}]}"#)], "x/gone-embed": [Self.status(404)]])
        let verifier = RouteVerifier(fetcher: chat.fetcher, sleep: { _ in }, timestamp: { "t" })
        let endpoint = try ProviderEndpoint.resolve(.nvidiaNIM, environment: FixtureFetcher.environment([.nvidiaNIM]))
        let (verified, _) = await verifier.verify(index, endpoints: [.nvidiaNIM: endpoint])
        #expect(verified.entry(named: "bge-m3")?.providers["nvidia_nim"]?.quarantine == nil)
        #expect(verified.entry(named: "bge-m3")?.kind == .embeddings)
        #expect(verified.entry(named: "gone-embedder")?.providers["nvidia_nim"]?.quarantine?.reason == "HTTP 404 on the test call")
        let calls = chat.calls.withLock { $0 }
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.url.hasSuffix("/v1/embeddings") && $0.maxTokens == nil })
    }

    @Test func headerReaderConventions() async {
        let cerebras = ["x-ratelimit-limit-requests-day": "2400", "x-ratelimit-limit-requests-minute": "5", "x-ratelimit-limit-tokens-day": "1000000"]
        let limits = await Self.limits(cerebras, .cerebras)
        #expect(limits?.requestsPerDay == 2400)
        #expect(limits?.requestsPerMinute == 5)
        #expect(limits?.tokensPerDay == 1_000_000)
        // The generic name means per day only on Groq; elsewhere it is recorded but not interpreted.
        #expect(await Self.limits(["x-ratelimit-limit-requests": "100"], .mistral) == nil)
    }

    /// The limits a test call answered with `headers` leaves on a route, as the builder sees them.
    static func limits(_ headers: [String: String], _ provider: ProviderKind) async -> RateLimitConfiguration? {
        let index = ModelIndex(providers: [provider.rawValue], models: [.init(canonical: "m", providers: [provider.rawValue: .init(model: "x")])])
        let chat = FakeChat(["x": [ok(headers)]])
        let verifier = RouteVerifier(fetcher: chat.fetcher, sleep: { _ in }, timestamp: { "t" })
        guard let variable = Vendor.for(provider).defaultAPIKeyVariable, let endpoint = try? ProviderEndpoint.resolve(provider, environment: [variable: "k"]) else {
            return nil
        }
        let (verified, _) = await verifier.verify(index, endpoints: [provider: endpoint])
        return verified.models[0].providers[provider.rawValue]?.limits
    }
}
