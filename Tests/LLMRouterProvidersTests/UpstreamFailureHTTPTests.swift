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

struct UpstreamFailureHTTPTests {
    private let redactor = SecretRedactor(secrets: [testKey])

    @Test(arguments: [
        (400, FailureKind.clientError), (413, .clientError), (422, .clientError), (418, .clientError),
        (401, .authentication), (403, .authentication), (402, .rateLimited),
        (404, .serverError), (408, .serverError), (409, .serverError),
        (500, .serverError), (502, .serverError), (503, .serverError), (504, .serverError),
        (429, .rateLimited), (302, .serverError),
    ])
    func statusClassification(_ status: Int, _ kind: FailureKind) {
        let failure = UpstreamFailure.http(status: status, headers: [:], body: [], redactor: redactor)
        #expect(failure.kind == kind)
        #expect(failure.status == status)
        #expect((failure.rateLimit != nil) == (kind == .rateLimited))
    }

    @Test func paymentRequiredIsARateLimitOfKindCredits() {
        let failure = UpstreamFailure.http(status: 402, headers: [:], body: [], redactor: redactor)
        #expect(failure.rateLimit == RateLimitSignal(kind: .credits))
        #expect(failure.retryAfter == nil)
    }

    @Test func rateLimitWaitBecomesRetryAfter() {
        let failure = UpstreamFailure.http(status: 429, headers: ["retry-after": "3"], body: [], redactor: redactor)
        #expect(failure.rateLimit == RateLimitSignal(kind: .shortWindow, retryAfter: .seconds(3)))
        #expect(failure.retryAfter == .seconds(3))
    }

    @Test func clientErrorKeepsTheBody() {
        let body = Array(#"{"error":{"message":"'messages' is required","type":"invalid_request_error"}}"#.utf8)
        let failure = UpstreamFailure.http(status: 400, headers: [:], body: body, redactor: redactor)
        #expect(failure.body == body)
        #expect(failure.message == "Bad Request: 'messages' is required")
    }

    @Test func openRouter429FixtureGivesAShortMessage() throws {
        let body = try UpstreamFixtures.bytes("openrouter-429.json")
        let failure = UpstreamFailure.http(status: 429, headers: ["Retry-After": "3"], body: body, redactor: redactor)
        #expect(failure.kind == .rateLimited)
        #expect(failure.retryAfter == .seconds(3))
        #expect(failure.message.hasPrefix("Too Many Requests: Provider returned error (deepseek/deepseek-v4-pro-0813 is temporarily"))
        #expect(failure.message.count <= 300)
    }

    @Test func nim429FixtureUsesItsTitle() throws {
        let failure = UpstreamFailure.http(status: 429, headers: [:], body: try UpstreamFixtures.bytes("nvidia-nim-429.json"), redactor: redactor)
        #expect(failure.message == "Too Many Requests: Too Many Requests")
        #expect(failure.retryAfter == nil)
    }

    @Test func keysAreMaskedInMessagesAndBodies() {
        let body = Array(#"{"error":{"message":"Invalid API Key: \#(testKey) / Bearer gsk_abcdefghijklmnop"}}"#.utf8)
        for status in [400, 401, 500] {
            let failure = UpstreamFailure.http(status: status, headers: [:], body: body, redactor: redactor)
            #expect(!failure.message.contains(testKey))
            #expect(!failure.message.contains("gsk_abcdefghijklmnop"))
            #expect(failure.message.contains(SecretRedactor.mask))
            #expect(!String(decoding: failure.body ?? [], as: UTF8.self).contains(testKey))
        }
    }

    @Test func longTextIsTruncated() {
        let body = Array(String(repeating: "very long upstream text ", count: 100).utf8)
        let failure = UpstreamFailure.http(status: 502, headers: [:], body: body, redactor: redactor)
        #expect(failure.message.count <= 300)
        #expect(failure.message.hasSuffix("…"))
    }
}
