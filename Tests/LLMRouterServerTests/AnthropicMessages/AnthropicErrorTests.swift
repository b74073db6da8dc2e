import HTTPTypes
import LLMRouterCore
@testable import LLMRouterServer
import NIOCore
import Testing

struct AnthropicErrorTests {
    @Test(arguments: [
        (400, 400, "invalid_request_error"),
        (401, 401, "authentication_error"),
        (403, 403, "permission_error"),
        (404, 404, "not_found_error"),
        (413, 413, "request_too_large"),
        (422, 422, "invalid_request_error"),
        (429, 429, "rate_limit_error"),
        (499, 499, "invalid_request_error"),
        (500, 500, "api_error"),
        (502, 502, "api_error"),
        (503, 529, "overloaded_error"),
        (504, 504, "timeout_error"),
        (529, 529, "overloaded_error"),
    ])
    func statusPicksTheType(status: Int, sentStatus: Int, type: String) {
        let error = AnthropicError(status: HTTPResponse.Status(code: status), message: "m")
        #expect(error.status.code == sentStatus)
        #expect(error.type == type)
    }

    @Test func bodyHasAnthropicsShape() throws {
        let error = AnthropicError(status: .tooManyRequests, message: "slow down")
        let expected = try AnthropicTestSupport.json(#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#)
        #expect(try AnthropicTestSupport.json(error.body) == expected)
    }

    @Test func openAIErrorKeepsMessageAndHeaders() {
        let openAI = OpenAIError(
            status: .serviceUnavailable,
            message: "No provider could answer: a: timeout",
            type: "service_unavailable",
            code: "all_providers_failed",
            headers: [.retryAfter: "7"]
        )
        let error = AnthropicError(openAI)
        #expect(error.status.code == 529)
        #expect(error.type == "overloaded_error")
        #expect(error.message == "No provider could answer: a: timeout")
        #expect(error.headers[.retryAfter] == "7")
    }

    @Test func openAIRateLimitStaysARateLimit() {
        let error = AnthropicError(OpenAIError(status: .tooManyRequests, message: "wait", type: "rate_limit_error", headers: [.retryAfter: "3"]))
        #expect(error.status == .tooManyRequests)
        #expect(error.type == "rate_limit_error")
        #expect(error.headers[.retryAfter] == "3")
    }

    @Test func errorEventIsOneSSEEvent() throws {
        let error = AnthropicError(status: .serviceUnavailable, message: "all routes failed")
        let events = try AnthropicTestSupport.decode([error.event()])
        #expect(events.map(\.name) == ["error"])
        let expected = try AnthropicTestSupport.json(#"{"type":"error","error":{"type":"overloaded_error","message":"all routes failed"}}"#)
        #expect(events[0].data == expected)
    }
}

struct AnthropicTokenCountTests {
    private func estimate(_ body: String) throws -> Int {
        try AnthropicTokenCount.estimate(Array(body.utf8))
    }

    @Test func countsTextBytesByFourPlusMessageFraming() throws {
        // "abcdefgh": 8 bytes → 2 tokens, plus 4 for the message.
        #expect(try estimate(#"{"model":"m","messages":[{"role":"user","content":"abcdefgh"}]}"#) == 6)
        // "Be brief." (9) + "abcdefgh" (8) = 17 bytes → 5 tokens, plus 2 × 4.
        #expect(try estimate(#"{"model":"m","system":"Be brief.","messages":[{"role":"user","content":"abcdefgh"}]}"#) == 13)
    }

    @Test func imagesCountFlat() throws {
        let body = #"""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(String(repeating: "A", count: 4000))"}}]}]}
            """#
        #expect(try estimate(body) == AnthropicTokenCount.tokensPerImage + AnthropicTokenCount.tokensPerMessage)
    }

    @Test func toolsCount() throws {
        let plain = try estimate(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        let withTools = try estimate(
            #"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"weather","description":"Get the weather for a city","input_schema":{"type":"object"}}]}"#
        )
        #expect(withTools > plain)
    }

    @Test func validatesLikeMessagesButWithoutMaxTokens() throws {
        let error = try #require(throws: AnthropicError.self) { try estimate(#"{"model":"m","messages":[{"role":"bot","content":"x"}]}"#) }
        #expect(error.message == "messages.0.role: Input should be 'user' or 'assistant'")
        let estimateOfTranslated = try AnthropicTokenCount.estimate(
            AnthropicRequestTranslation.translate(Array(#"{"model":"m","max_tokens":3,"messages":[{"role":"user","content":"abcdefgh"}]}"#.utf8)).chat
        )
        #expect(estimateOfTranslated == 6)
    }
}
