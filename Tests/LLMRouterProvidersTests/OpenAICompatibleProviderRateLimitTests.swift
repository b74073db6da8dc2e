import AsyncHTTPClient
import LLMRouterCore
import LLMRouterProviders
import LLMRouterTesting
import NIOHTTP1
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the adapter learns about limits: reports on answers, signals on refusals.
struct OpenAICompatibleProviderRateLimitTests {
    static let groqHeaders = [
        ("x-ratelimit-limit-requests", "14400"), ("x-ratelimit-remaining-requests", "14370"),
        ("x-ratelimit-reset-requests", "2m59.56s"), ("x-ratelimit-limit-tokens", "18000"),
        ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "7.66s"),
        ("X-Request-Id", "req-1"),
    ]

    @Test func completeAnswerReportsWindowsHeadersAndUsage() async throws {
        let body = try UpstreamFixtures.bytes("groq-chat-completion.json")
        try await withUpstream(.json(bytes: body, headers: Self.groqHeaders)) { upstream, client in
            let completion = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext)
            let report = completion.report
            #expect(report.rateLimit?.kind == nil)
            #expect(report.rateLimit?.windows == [
                .init(unit: .requests, period: .day, limit: 14_400, remaining: 14_370, resetIn: .milliseconds(179_560)),
                .init(unit: .tokens, period: .minute, limit: 18_000, remaining: 0, resetIn: .milliseconds(7_660)),
            ])
            #expect(report.rateLimit?.isExhausted == true)
            #expect(report.rateLimitHeaders.map(\.name) == Self.groqHeaders.dropLast().map(\.0))
            let usage = try json(body).objectValue?["usage"]?.objectValue
            #expect(usage?["prompt_tokens"] == .integer(Int64(report.promptTokens ?? -1)))
            #expect(usage?["completion_tokens"] == .integer(Int64(report.completionTokens ?? -1)))
        }
    }

    @Test func answerWithoutLimitsOrUsageReportsNothing() async throws {
        try await withUpstream(.json(body: #"{"choices":[]}"#)) { upstream, client in
            let completion = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext)
            #expect(completion.report == UpstreamReport())
        }
    }

    @Test func streamReportsTheHeadersLimits() async throws {
        let events = [FakeUpstream.Reply.chunkJSON(content: "hi")]
        try await withUpstream(.stream(events: events, headers: Self.groqHeaders)) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            #expect(stream.report.rateLimit?.windows.count == 2)
            #expect(stream.report.rateLimitHeaders.count == 6)
            #expect(try await collect(stream).count == 1)
        }
    }

    @Test func openRouter429CarriesItsSignal() async throws {
        let (_, headers, body) = try VendorDialectTests.httpFixture("openrouter-429-free-rpm.http")
        let reply = FakeUpstream.Reply.raw(status: 429, headers: headers.filter { $0.name != "Content-Length" }.map { ($0.name, $0.value) }, body: body)
        try await withUpstream(reply, reply) { upstream, client in
            let configuration = ProviderConfiguration(name: "or", kind: .openrouter, model: "m")
            let provider = OpenAICompatibleProvider(
                configuration: configuration, httpClient: client, apiKey: testKey, baseURL: upstream.baseURL,
                now: { VendorDialectTests.captured }
            )
            for call in [false, true] {
                let failure = await expectFailure {
                    if call { _ = try await provider.stream(try chatRequest(), context: testContext) } else {
                        _ = try await provider.complete(try chatRequest(), context: testContext)
                    }
                }
                #expect(failure?.kind == .rateLimited)
                #expect(failure?.rateLimit?.kind == .shortWindow)
                #expect(failure?.rateLimit?.windows == [.init(unit: .requests, period: .minute, limit: 1, remaining: 0, resetIn: .seconds(26))])
                #expect(failure?.retryAfter == .seconds(26))
            }
        }
    }

    @Test func paymentRequiredIsCreditsNotAuthentication() async throws {
        try await withUpstream(.error(status: 402, message: "Insufficient credits")) { upstream, client in
            let failure = await expectFailure { _ = try await makeProvider(upstream, client: client).complete(try chatRequest(), context: testContext) }
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.status == 402)
            #expect(failure?.rateLimit?.kind == .credits)
        }
    }

    @Test func rateLimitErrorInsideA200IsARefusal() async throws {
        let body = #"{"error":{"message":"Rate limit reached for model x on requests per day (RPD): Limit 1000, Used 1000. Please try again in 2m.","code":429}}"#
        try await withUpstream(.json(body: body), .json(body: #"{"error":{"message":"boom","code":500}}"#)) { upstream, client in
            let provider = makeProvider(upstream, client: client)
            let limited = await expectFailure { _ = try await provider.complete(try chatRequest(), context: testContext) }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.rateLimit?.kind == .daily)
            #expect(limited?.retryAfter == .seconds(120))
            let broken = await expectFailure { _ = try await provider.complete(try chatRequest(), context: testContext) }
            #expect(broken?.kind == .badResponse)
            #expect(broken?.rateLimit == nil)
        }
    }

    @Test func rateLimitEventMidStreamCarriesASignal() async throws {
        let events = [FakeUpstream.Reply.chunkJSON(content: "a"), #"{"error":{"code":"RESOURCE_EXHAUSTED","message":"quota","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}"#]
        try await withUpstream(.stream(events: events)) { upstream, client in
            let stream = try await makeProvider(upstream, client: client).stream(try chatRequest(), context: testContext)
            let failure = await expectFailure { _ = try await collect(stream) }
            #expect(failure?.kind == .rateLimited)
            #expect(failure?.rateLimit?.kind == .shortWindow)
        }
    }
}
