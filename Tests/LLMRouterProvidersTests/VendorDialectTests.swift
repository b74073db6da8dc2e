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

/// Each vendor's refusals, read from the real captures in `shared/fixtures/upstream` where one
/// exists and from the documented shapes where none does.
struct VendorDialectTests {
    /// 2025-08-08 15:40:34 UTC, the `Date` of the OpenRouter capture.
    static let captured = Date(timeIntervalSince1970: 1_754_667_634)

    @Test func openRouterFreeModelPerMinuteLimitResetsAtTheEpochMilliseconds() throws {
        let (status, headers, body) = try Self.httpFixture("openrouter-429-free-rpm.http")
        let signal = VendorDialect.openRouter.refusal(status: status, headers: headers, body: body, now: Self.captured)
        #expect(signal.kind == .shortWindow)
        #expect(signal.accountWide == false)
        #expect(signal.windows == [.init(unit: .requests, period: .minute, limit: 1, remaining: 0, resetIn: .seconds(26))])
        #expect(signal.retryAfter == nil)
        #expect(signal.waitHint == .seconds(26))
    }

    @Test func openRouterHeadersInsideTheBodyAreReadWhenTheHeadIsBare() throws {
        let (status, _, body) = try Self.httpFixture("openrouter-429-free-rpm.http")
        let signal = VendorDialect.openRouter.refusal(status: status, headers: HTTPHeaders(), body: body, now: Self.captured)
        #expect(signal.kind == .shortWindow)
        #expect(signal.windows == [.init(unit: .requests, period: .minute, limit: 1, remaining: 0, resetIn: .seconds(26))])
        #expect(signal.waitHint == .seconds(26))
    }

    @Test(arguments: ["openrouter-429.json", "openrouter-429-upstream.json"])
    func openRouterUpstreamCongestion(_ fixture: String) throws {
        let body = try UpstreamFixtures.bytes(fixture)
        let signal = VendorDialect.openRouter.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured)
        #expect(signal == RateLimitSignal(kind: .upstreamCongestion))
        // The generic dialect (an `openai`-type relay) reads it the same way.
        #expect(VendorDialect.openAI.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured).kind == .upstreamCongestion)
    }

    @Test func openRouterDailyCapIsAccountWide() {
        // Shape from the sightings in SOURCES.md (no complete capture exists).
        let resetAt = 1_754_697_600_000
        let body = #"{"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day","code":429,"metadata":{"headers":{"X-RateLimit-Limit":"50","X-RateLimit-Remaining":"0","X-RateLimit-Reset":"\#(resetAt)"},"provider_name":null}},"user_id":"user_x"}"#
        let signal = VendorDialect.openRouter.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured)
        #expect(signal.kind == .daily)
        #expect(signal.accountWide)
        #expect(signal.windows == [.init(unit: .requests, period: .day, limit: 50, remaining: 0, resetIn: .seconds(29_966))])
        #expect(signal.waitHint == .seconds(29_966))
    }

    @Test func openRouterOutOfCredits() {
        let body = #"{"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/credits","code":402}}"#
        let failure = UpstreamFailure.http(status: 402, headers: HTTPHeaders(), body: Array(body.utf8), redactor: SecretRedactor(secrets: []), dialect: .openRouter)
        #expect(failure.kind == .rateLimited)
        #expect(failure.rateLimit?.kind == .credits)
        #expect(failure.retryAfter == nil)
    }

    @Test func cerebrasQuotaPerMinute() throws {
        let body = try UpstreamFixtures.bytes("cerebras-429.json")
        let signal = VendorDialect.cerebras.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured)
        #expect(signal == RateLimitSignal(kind: .shortWindow))
    }

    @Test func cerebrasQuotaIsDailyWhenOnlyTheDayWindowIsExhausted() {
        let body = #"{"message":"Request quota exceeded.","type":"too_many_requests_error","param":"quota","code":"request_quota_exceeded"}"#
        let headers: HTTPHeaders = [
            "x-ratelimit-remaining-requests-day": "0", "x-ratelimit-reset-requests-day": "33011.5",
            "x-ratelimit-remaining-tokens-minute": "59000", "x-ratelimit-reset-tokens-minute": "11.5",
        ]
        let signal = VendorDialect.cerebras.refusal(status: 429, headers: headers, body: Array(body.utf8), now: Self.captured)
        #expect(signal.kind == .daily)
        #expect(signal.waitHint == .milliseconds(33_011_500))
    }

    @Test func cerebrasDailyByMessage() {
        let body = #"{"message":"Tokens per day limit exceeded - too many tokens processed.","type":"too_many_requests_error","param":"quota","code":"token_quota_exceeded"}"#
        #expect(VendorDialect.cerebras.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .daily)
    }

    @Test func cerebrasQueueIsUpstreamCongestion() {
        let body = #"{"message":"We're experiencing high traffic right now! Please try again soon.","type":"too_many_requests_error","param":"queue","code":"queue_exceeded"}"#
        #expect(VendorDialect.cerebras.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .upstreamCongestion)
        #expect(VendorDialect.openAI.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .upstreamCongestion)
    }

    @Test func geminiFreeTierPerMinuteWithRetryInfo() throws {
        let body = try UpstreamFixtures.bytes("gemini-429-free-tier.json")
        let signal = VendorDialect.gemini.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured)
        #expect(signal.kind == .shortWindow)
        #expect(signal.retryAfter == .seconds(26))
        #expect(signal.windows == [.init(unit: .tokens, period: .minute, limit: 250_000, remaining: 0, resetIn: .seconds(26))])
    }

    @Test func geminiPerDayIsDailyEvenWithAShortRetryDelay() {
        let body = #"""
        [{"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[
          {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaValue":"250"}]},
          {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"47s"}]}}]
        """#
        let signal = VendorDialect.gemini.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured)
        #expect(signal.kind == .daily)
        #expect(signal.retryAfter == nil)
        #expect(signal.windows == [.init(unit: .requests, period: .day, limit: 250, remaining: 0)])
    }

    @Test func geminiArrayWithoutDetailsIsShortWithNoWait() throws {
        let body = try UpstreamFixtures.bytes("gemini-openai-429-array.json")
        let signal = VendorDialect.gemini.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured)
        #expect(signal == RateLimitSignal(kind: .shortWindow))
        let failure = UpstreamFailure.http(status: 429, headers: HTTPHeaders(), body: body, redactor: SecretRedactor(secrets: []), dialect: .gemini)
        #expect(failure.message == "Too Many Requests: Resource has been exhausted (e.g. check quota).")
    }

    @Test(arguments: [
        ("on tokens per minute (TPM): Limit 6000, Used 5900, Requested 200. Please try again in 1.5s.", RateLimitKind.shortWindow, RateLimitSignal.Window(unit: .tokens, period: .minute, limit: 6_000, remaining: 0, resetIn: .milliseconds(1_500))),
        ("on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try again in 2s.", .shortWindow, .init(unit: .requests, period: .minute, limit: 30, remaining: 0, resetIn: .seconds(2))),
        ("on requests per day (RPD): Limit 1000, Used 1000, Requested 1. Please try again in 9m52.272s.", .daily, .init(unit: .requests, period: .day, limit: 1_000, remaining: 0, resetIn: .milliseconds(592_272))),
        ("on tokens per day (TPD): Limit 500000, Used 499000, Requested 2000. Please try again in 1h2m.", .daily, .init(unit: .tokens, period: .day, limit: 500_000, remaining: 0, resetIn: .seconds(3_720))),
    ])
    func groqMessagesNameTheWindow(_ tail: String, _ kind: RateLimitKind, _ window: RateLimitSignal.Window) {
        let body = #"{"error":{"message":"Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_x` service tier `on_demand` \#(tail) Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing","type":"tokens","code":"rate_limit_exceeded"}}"#
        let signal = VendorDialect.groq.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured)
        #expect(signal.kind == kind)
        #expect(signal.windows == [window])
        #expect(signal.waitHint == window.resetIn)
    }

    @Test func groqHeadersOnA429() {
        let headers: HTTPHeaders = [
            "retry-after": "8", "x-ratelimit-remaining-requests": "14370", "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "7.66s",
        ]
        let signal = VendorDialect.groq.refusal(status: 429, headers: headers, body: [UInt8](), now: Self.captured)
        #expect(signal.kind == .shortWindow)
        #expect(signal.retryAfter == .seconds(8))
        let daily: HTTPHeaders = ["x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2m59.56s"]
        #expect(VendorDialect.groq.refusal(status: 429, headers: daily, body: [UInt8](), now: Self.captured).kind == .daily)
    }

    @Test func nimBareBodyIsShortWithNoWait() throws {
        let body = try UpstreamFixtures.bytes("nvidia-nim-429.json")
        #expect(VendorDialect.nvidiaNIM.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.captured) == RateLimitSignal(kind: .shortWindow))
    }

    @Test func huggingFaceCredits() {
        let body = #"{"error":"You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits."}"#
        #expect(VendorDialect.huggingFace.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .credits)
        #expect(VendorDialect.huggingFace.refusal(status: 402, headers: HTTPHeaders(), body: [UInt8](), now: Self.captured).kind == .credits)
    }

    @Test func gitHubModelsDailyQuota() {
        let body = #"{"error":{"code":"RateLimitReached","message":"Rate limit of 150 per 86400s exceeded for UserByModelByDay. Please wait 24367 seconds before retrying.","details":"Rate limit of 150 per 86400s exceeded for UserByModelByDay."}}"#
        let headers: HTTPHeaders = ["x-ratelimit-type": "UserByModelByDay", "retry-after": "24367"]
        let signal = VendorDialect.gitHubModels.refusal(status: 429, headers: headers, body: Array(body.utf8), now: Self.captured)
        #expect(signal == RateLimitSignal(kind: .daily, retryAfter: .seconds(24_367)))
        let minute: HTTPHeaders = ["x-ratelimit-type": "UserByModelByMinute", "retry-after": "40"]
        #expect(VendorDialect.gitHubModels.refusal(status: 429, headers: minute, body: [UInt8](), now: Self.captured) == RateLimitSignal(kind: .shortWindow, retryAfter: .seconds(40)))
        // Without the header, the message says it.
        #expect(VendorDialect.gitHubModels.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .daily)
    }

    @Test func openAIInsufficientQuotaIsCredits() {
        let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
        #expect(VendorDialect.openAI.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured).kind == .credits)
    }

    @Test(arguments: ["", "not json", "[]", "{}", "null", #"{"error":null}"#, #"{"error":{"details":"x","metadata":5}}"#, "\u{FEFF}{\"\u{0}\":1}"])
    func a429WithNothingToGoOnIsShortWithNoWait(_ body: String) {
        for dialect in [VendorDialect.openAI, .groq, .openRouter, .nvidiaNIM, .huggingFace, .cerebras, .gemini, .mistral, .gitHubModels] {
            #expect(dialect.refusal(status: 429, headers: HTTPHeaders(), body: Array(body.utf8), now: Self.captured) == RateLimitSignal(kind: .shortWindow), "\(dialect.name)")
        }
    }

    @Test func dialectsAreChosenByKind() {
        #expect(VendorDialect.for(.groq).name == "groq")
        #expect(VendorDialect.for(.openrouter).name == "openrouter")
        #expect(VendorDialect.for(.nvidiaNIM).name == "nvidia_nim")
        #expect(VendorDialect.for(.huggingface).name == "huggingface")
        #expect(VendorDialect.for(.openai).name == "openai")
        #expect(VendorDialect.for(.echo).name == "openai")
        // Kinds whose dialect is keyed by name: each dialect's name is the kind's raw value.
        for kind in ProviderKind.allCases where kind != .echo && kind != .openai {
            #expect(VendorDialect.for(kind).name == kind.rawValue)
        }
    }

    /// A `.http` fixture (Go httprr): status, headers and body.
    static func httpFixture(_ name: String) throws -> (Int, HTTPHeaders, [UInt8]) {
        let bytes = try UpstreamFixtures.bytes(name)
        let separator = Array("\r\n\r\n".utf8)
        guard let range = bytes.firstRange(of: separator) else { throw FixtureError() }
        let head = String(decoding: bytes[..<range.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusText = head.first?.split(separator: " ").dropFirst().first, let status = Int(statusText) else { throw FixtureError() }
        var headers = HTTPHeaders()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingWhitespace())
        }
        return (status, headers, Array(bytes[range.upperBound...]))
    }

    struct FixtureError: Error {}
}
