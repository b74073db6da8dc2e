import Foundation
import HTTPTypes
import LLMRouterCore
@testable import LLMRouterServer
import Testing

/// The routing headers stay within what a reverse proxy in front accepts.
struct RoutingHeadersTests {
    @Test func aCatalogsManySkipsAreCutShortAndCounted() throws {
        let skips = (1...60).map { AttemptRecord(provider: "provider-number-\($0)", outcome: .skipped(reason: "cooling down (rate_limited:short_window)"), resumeIn: .seconds(30)) }
        let headers = RoutingHeaders.attempts(skips, retryAfter: nil)
        let skipped = try #require(headers[HTTPField.Name("X-LLMRouter-Skipped")!])
        #expect(skipped.utf8.count <= RoutingHeaders.skippedHeaderLimit + 12)
        #expect(skipped.hasPrefix("provider-number-1 (cooling down (rate_limited:short_window); retry_in=30s), provider-number-2 ("))
        let shown = skipped.components(separatedBy: "provider-number-").count - 1
        #expect(shown > 5 && shown < 60)
        #expect(skipped.hasSuffix("retry_in=30s), +\(60 - shown) more"), "\(skipped.suffix(40))")
        #expect(headers[HTTPField.Name("X-LLMRouter-Attempts")!] == "0")
    }

    @Test func aFewSkipsAreListedWhole() throws {
        let skips = ["a", "b"].map { AttemptRecord(provider: $0, outcome: .skipped(reason: "disabled")) }
        let headers = RoutingHeaders.attempts(skips, retryAfter: .milliseconds(1500))
        #expect(headers[HTTPField.Name("X-LLMRouter-Skipped")!] == "a (disabled), b (disabled)")
        #expect(headers[.retryAfter] == "2")
    }
}
