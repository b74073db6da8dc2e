import LLMRouterCore
import LLMRouterProviders
import NIOHTTP1
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every header dialect read into windows, and garbage ignored.
struct RateLimitHeadersTests {
    static let now = Date(timeIntervalSince1970: 1_445_412_480)

    @Test func groqRequestsAreDailyAndTokensPerMinute() {
        // The documented example (rate-limit-headers.md).
        let headers: HTTPHeaders = [
            "retry-after": "2",
            "x-ratelimit-limit-requests": "14400", "x-ratelimit-limit-tokens": "18000",
            "x-ratelimit-remaining-requests": "14370", "x-ratelimit-remaining-tokens": "17997",
            "x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-reset-tokens": "7.66s",
        ]
        let reading = RateLimitHeaders.read(headers, convention: VendorDialect.groq.headerConvention, now: Self.now)
        #expect(reading.signal?.retryAfter == .seconds(2))
        #expect(reading.signal?.windows == [
            .init(unit: .requests, period: .day, limit: 14_400, remaining: 14_370, resetIn: .milliseconds(179_560)),
            .init(unit: .tokens, period: .minute, limit: 18_000, remaining: 17_997, resetIn: .milliseconds(7_660)),
        ])
        #expect(reading.headers.count == 7)
    }

    @Test func cerebrasNamesTheWindowInTheHeader() {
        let headers: HTTPHeaders = [
            "x-ratelimit-limit-requests-day": "1000000000", "x-ratelimit-limit-tokens-minute": "1000000000",
            "x-ratelimit-remaining-requests-day": "999997455", "x-ratelimit-remaining-tokens-minute": "999998298",
            "x-ratelimit-reset-requests-day": "33011.382867097855", "x-ratelimit-reset-tokens-minute": "11.382867097854614",
            "x-ratelimit-limit-requests-minute": "5", "x-ratelimit-limit-tokens-day": "1000000",
        ]
        let signal = VendorDialect.cerebras.report(headers: headers, now: Self.now).rateLimit
        #expect(signal?.kind == nil)
        #expect(signal?.windows == [
            .init(unit: .requests, period: .day, limit: 1_000_000_000, remaining: 999_997_455, resetIn: .nanoseconds(33_011_382_867_097)),
            .init(unit: .tokens, period: .minute, limit: 1_000_000_000, remaining: 999_998_298, resetIn: .nanoseconds(11_382_867_097)),
            .init(unit: .requests, period: .minute, limit: 5),
            .init(unit: .tokens, period: .day, limit: 1_000_000),
        ])
    }

    @Test func openRouterBareHeadersCountRequests() {
        let headers: HTTPHeaders = ["X-Ratelimit-Limit": "20", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "1445412540000"]
        let signal = VendorDialect.openRouter.report(headers: headers, now: Self.now).rateLimit
        #expect(signal?.windows == [.init(unit: .requests, limit: 20, remaining: 0, resetIn: .seconds(60))])
        #expect(signal?.isExhausted == true)
        #expect(signal?.waitHint == .seconds(60))
    }

    @Test func mistralTokensBySize() {
        let headers: HTTPHeaders = [
            "x-ratelimitbysize-limit-minute": "500000", "x-ratelimitbysize-remaining-minute": "499000",
            "x-ratelimitbysize-limit-month": "1000000000", "ratelimitbysize-reset": "12",
        ]
        let report = VendorDialect.mistral.report(headers: headers, now: Self.now)
        #expect(report.rateLimit?.windows == [.init(unit: .tokens, period: .minute, limit: 500_000, remaining: 499_000, resetIn: .seconds(12))])
        #expect(report.rateLimitHeaders.map(\.name) == ["x-ratelimitbysize-limit-minute", "x-ratelimitbysize-remaining-minute", "x-ratelimitbysize-limit-month", "ratelimitbysize-reset"])
    }

    @Test func retryAfterMillisecondsIsPreferred() {
        let headers: HTTPHeaders = ["retry-after": "2", "retry-after-ms": "1500"]
        #expect(RateLimitHeaders.read(headers, now: Self.now).signal?.retryAfter == .milliseconds(1_500))
    }

    @Test func headersAreKeptAsSentAndOthersIgnored() {
        let headers: HTTPHeaders = [
            "Content-Type": "application/json", "X-Request-Id": "abc", "X-RateLimit-Type": "UserByModelByDay",
            "Retry-After": "24367", "X-Ratelimit": "odd", "Xratelimit-limit": "1",
        ]
        let reading = RateLimitHeaders.read(headers, now: Self.now)
        #expect(reading.headers.map(\.name) == ["X-RateLimit-Type", "Retry-After", "X-Ratelimit"])
        #expect(reading.headers.map(\.value) == ["UserByModelByDay", "24367", "odd"])
        #expect(reading.signal == RateLimitSignal(retryAfter: .seconds(24_367)))
    }

    @Test func noRateLimitHeadersReadAsNothing() {
        let headers: HTTPHeaders = ["Content-Type": "application/json", "X-Inference-Provider": "hyperbolic", "Server": "cloudflare"]
        let report = VendorDialect.huggingFace.report(headers: headers, now: Self.now)
        #expect(report == UpstreamReport())
    }

    @Test(arguments: ["soon", "-3", "", "99999999999999999999999", "1e9", "٣٣", "2m-3s", "∞", "0x1F", "3 s"])
    func garbageValuesMakeNoWindowAndNoWait(_ value: String) {
        let headers: HTTPHeaders = [
            "retry-after": value, "retry-after-ms": value,
            "x-ratelimit-limit-requests": value, "x-ratelimit-remaining-requests": value, "x-ratelimit-reset-requests": value,
            "x-ratelimit-reset-tokens-day": value, "x-ratelimit-reset": value,
        ]
        let reading = RateLimitHeaders.read(headers, now: Self.now)
        #expect(reading.signal == nil)
        #expect(reading.headers.count == 7)
        let refusal = VendorDialect.openAI.refusal(status: 429, headers: headers, body: [UInt8](), now: Self.now)
        #expect(refusal == RateLimitSignal(kind: .shortWindow))
    }

    @Test func unknownPeriodsAndFieldsMakeNoWindow() {
        let headers: HTTPHeaders = ["x-ratelimit-limit-requests-month": "5", "x-ratelimit-used-requests": "3", "x-ratelimit-limit-requests-day-extra": "1"]
        #expect(RateLimitHeaders.read(headers, now: Self.now).signal == nil)
    }

    @Test func firstValueOfARepeatedHeaderWins() {
        var headers = HTTPHeaders()
        headers.add(name: "x-ratelimit-remaining-tokens", value: "10")
        headers.add(name: "x-ratelimit-remaining-tokens", value: "0")
        #expect(RateLimitHeaders.read(headers, now: Self.now).signal?.windows.first?.remaining == 10)
    }
}
