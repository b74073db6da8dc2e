import LLMRouterCore
import LLMRouterProviders
import NIOHTTP1
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct RateLimitValuesTests {
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
        #expect(RateLimitValues.parseGoDuration(text) == expected)
    }

    @Test(arguments: ["", "5x", "s", "1.2.3s", "-3s", "m5"])
    func invalidGoDurations(_ text: String) {
        #expect(RateLimitValues.parseGoDuration(text) == nil)
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
        #expect(RateLimitValues.parseRetryAfter(text, now: Self.now) == expected)
    }

    @Test func retryAfterWinsOverResetHeaders() {
        let headers: HTTPHeaders = ["Retry-After": "2", "x-ratelimit-reset-tokens": "7.66s"]
        #expect(refusal(headers).retryAfter == .seconds(2))
    }

    @Test func exhaustedBucketDecides() {
        let headers: HTTPHeaders = [
            "x-ratelimit-remaining-requests": "14370", "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "7.66s",
        ]
        #expect(refusal(headers).waitHint == .milliseconds(7_660))
    }

    @Test func withoutRemainingCountsTheLongestResetIsUsed() {
        let headers: HTTPHeaders = ["x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-reset-tokens": "7.66s"]
        #expect(refusal(headers).waitHint == .milliseconds(179_560))
    }

    @Test func openRouterEpochMillisecondsReset() {
        let resetAt = Int64(Self.now.timeIntervalSince1970 * 1000) + 42_000
        let headers: HTTPHeaders = ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(resetAt)]
        #expect(refusal(headers).waitHint == .seconds(42))
    }

    @Test func groqMessageIsTheLastResort() {
        let message = "Rate limit reached for model `llama` on tokens per minute (TPM): Limit 6000, Used 5900. Please try again in 9m52.272s. Need more tokens?"
        #expect(RateLimitValues.delay(fromMessage: message) == .milliseconds(592_272))
        #expect(RateLimitValues.delay(fromMessage: "slow down") == nil)
        let body = Array(#"{"error":{"message":"\#(message)"}}"#.utf8)
        #expect(VendorDialect.openAI.refusal(status: 429, headers: HTTPHeaders(), body: body, now: Self.now).retryAfter == .milliseconds(592_272))
    }

    @Test func gitHubStyleWaitInTheMessage() {
        #expect(RateLimitValues.delay(fromMessage: "Rate limit of 150 per 86400s exceeded. Please wait 24367 seconds before retrying.") == .seconds(24_367))
        #expect(RateLimitValues.delay(fromMessage: "Please wait a moment") == nil)
    }

    @Test(arguments: ["soon", "-3", "", "   ", "1e3", "0x10", "٣", "３", "99999999999999999999", "NaN", "inf", "1,5"])
    func garbageRetryAfterIsIgnored(_ text: String) {
        #expect(RateLimitValues.parseRetryAfter(text, now: Self.now) == nil)
        #expect(RateLimitValues.parseRetryAfterMilliseconds(text) == nil)
        #expect(RateLimitValues.parseCount(text) == nil)
    }

    @Test func durationsBeyondAWeekAreGarbage() {
        #expect(RateLimitValues.parseRetryAfter("691200", now: Self.now) == .seconds(691_200))
        #expect(RateLimitValues.parseRetryAfter("691201", now: Self.now) == nil)
        #expect(RateLimitValues.parseRetryAfter("Fri, 21 Oct 2050 07:28:00 GMT", now: Self.now) == nil)
        #expect(RateLimitValues.parseGoDuration("9999h") == nil)
        #expect(RateLimitValues.parseGoDuration("99999999999999h") == nil)
        #expect(RateLimitValues.parseReset("32503680000000", now: Self.now) == nil)
    }

    @Test(arguments: [
        ("1445412522000", Duration?.some(.seconds(42))),
        ("1445412522", .seconds(42)),
        ("1445412000000", .zero),
        ("33011.382867097855", .nanoseconds(33_011_382_867_097)),
        ("7.66s", .milliseconds(7_660)),
        ("-1", nil),
        ("tomorrow", nil),
    ])
    func resetValues(_ text: String, _ expected: Duration?) {
        #expect(RateLimitValues.parseReset(text, now: Self.now) == expected)
    }

    @Test func retryAfterMilliseconds() {
        #expect(RateLimitValues.parseRetryAfterMilliseconds("1500") == .milliseconds(1_500))
        #expect(RateLimitValues.parseRetryAfterMilliseconds("12.5") == .microseconds(12_500))
    }

    private func refusal(_ headers: HTTPHeaders) -> RateLimitSignal {
        VendorDialect.openAI.refusal(status: 429, headers: headers, body: [UInt8](), now: Self.now)
    }
}
