import LLMRouterProviders
import NIOHTTP1
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct RateLimitDelayTests {
    /// 2015-10-21 07:28:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_445_412_480)

    @Test(arguments: [
        ("2m59.56s", Duration.milliseconds(179_560)),
        ("7.66s", .milliseconds(7_660)),
        ("120ms", .milliseconds(120)),
        ("1h2m3s", .seconds(3_723)),
        ("30", .seconds(30)),
        ("1.5", .milliseconds(1_500)),
        ("250us", .microseconds(250)),
        ("250µs", .microseconds(250)),
        ("9m52.272s", .milliseconds(592_272)),
        ("0s", .zero),
    ])
    func goDurations(_ text: String, _ expected: Duration) {
        #expect(RateLimitDelay.parseGoDuration(text) == expected)
    }

    @Test(arguments: ["", "5x", "s", "1.2.3s", "-3s", "m5"])
    func invalidGoDurations(_ text: String) {
        #expect(RateLimitDelay.parseGoDuration(text) == nil)
    }

    @Test(arguments: [
        ("120", Duration?.some(.seconds(120))),
        (" 2 ", .seconds(2)),
        ("0.25", .milliseconds(250)),
        ("Wed, 21 Oct 2015 07:28:30 GMT", .seconds(30)),
        ("Wed, 21 Oct 2015 07:27:00 GMT", .zero),
        ("Thu, 22 Oct 2015 07:28:00 GMT", .seconds(86_400)),
        ("-3", nil),
        ("soon", nil),
        ("Wed, 21 Oct 2015 07:28:30 UTC", nil),
    ])
    func retryAfterValues(_ text: String, _ expected: Duration?) {
        #expect(RateLimitDelay.parseRetryAfter(text, now: Self.now) == expected)
    }

    @Test func retryAfterWinsOverResetHeaders() {
        let headers: HTTPHeaders = ["Retry-After": "2", "x-ratelimit-reset-tokens": "7.66s"]
        #expect(RateLimitDelay.delay(headers: headers, now: Self.now) == .seconds(2))
    }

    @Test func exhaustedBucketDecides() {
        let headers: HTTPHeaders = [
            "x-ratelimit-remaining-requests": "14370", "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "7.66s",
        ]
        #expect(RateLimitDelay.delay(headers: headers, now: Self.now) == .milliseconds(7_660))
    }

    @Test func withoutRemainingCountsTheLongestResetIsUsed() {
        let headers: HTTPHeaders = ["x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-reset-tokens": "7.66s"]
        #expect(RateLimitDelay.delay(headers: headers, now: Self.now) == .milliseconds(179_560))
    }

    @Test func openRouterEpochMillisecondsReset() {
        let resetAt = Int64(Self.now.timeIntervalSince1970 * 1000) + 42_000
        let headers: HTTPHeaders = ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(resetAt)]
        #expect(RateLimitDelay.delay(headers: headers, now: Self.now) == .seconds(42))
    }

    @Test func groqMessageIsTheLastResort() {
        let message = "Rate limit reached for model `llama` on tokens per minute (TPM): Limit 6000, Used 5900. Please try again in 9m52.272s. Need more tokens?"
        #expect(RateLimitDelay.delay(headers: [:], message: message, now: Self.now) == .milliseconds(592_272))
        #expect(RateLimitDelay.delay(headers: [:], message: "slow down", now: Self.now) == nil)
    }
}
