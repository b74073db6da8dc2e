import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMRouterProviders
import LLMRouterServer
import NIOCore
import Testing

struct ErrorResponseTests {
    let app: TestApp

    init() throws {
        app = try TestApp(
            yaml: "providers:\n  - {name: a, type: echo, canonical_model: small, aliases: [tiny]}",
            settings: ServerSettings(maxBodyBytes: 1024)
        )
    }

    @Test(arguments: [
        ("{not json", nil as String?),
        (#"{"model":"small"}"#, "messages"),
        (#"{"model":"small","messages":[]}"#, "messages"),
        (#"{"model":"small","messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"small","messages":[{"role":"user","content":"x"}],"temperature":"warm"}"#, "temperature"),
        (#"{"model":["small"],"messages":[{"role":"user","content":"x"}]}"#, "model"),
    ])
    func badRequestsGet400WithOpenAIErrorJSON(body: String, param: String?) async throws {
        try await app.test { client in
            let response = try await client.chat(body)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/json")
            let error = try response.openAIError()
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["param"] as? String == param)
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error.keys.sorted() == ["code", "message", "param", "type"])
        }
    }

    @Test func unknownModelIs404ModelNotFound() async throws {
        try await app.test { client in
            let response = try await client.chat(model: "gpt-9")
            #expect(response.status == .notFound)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "model_not_found")
            #expect(error["param"] as? String == "model")
            #expect((error["message"] as? String)?.contains("gpt-9") == true)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await app.test { client in
            let content = String(repeating: "x", count: 2000)
            let response = try await client.chat(content: content)
            #expect(response.status == .contentTooLarge)
            #expect(try response.openAIError()["code"] as? String == "request_too_large")
        }
    }

    @Test func everyProviderFailingIs503NamingEachReason() async throws {
        let app = try TestApp(
            yaml: """
                providers:
                  - {name: flaky-1, type: echo, mock_failure_rate: 1}
                  - {name: flaky-2, type: echo, mock_failure_rate: 1}
                  - {name: remote, type: groq}
                """
        )
        try await app.test { client in
            let response = try await client.chat()
            #expect(response.status == .serviceUnavailable)
            let error = try response.openAIError()
            #expect(error["code"] as? String == "all_providers_failed")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("flaky-1: simulated"))
            #expect(message.contains("flaky-2: simulated"))
            #expect(message.contains("remote: skipped (disabled: no network in this test)"))
            #expect(response.headers[.attempts] == "2")
        }
    }

    @Test func openBreakersAlsoGive503() async throws {
        let app = try TestApp(yaml: "providers:\n  - {name: only, type: echo, mock_failure_rate: 1, circuit_breaker: {failure_threshold: 1, recovery_time_seconds: 60}}")
        try await app.test { client in
            _ = try await client.chat()
            let response = try await client.chat()
            #expect(response.status == .serviceUnavailable)
            #expect((try response.openAIError()["message"] as? String)?.contains("only: skipped (circuit open") == true)
            #expect(response.headers[.attempts] == "0")
        }
    }

    @Test func deadlinePassingIs504() async throws {
        let app = try TestApp(
            yaml: "providers:\n  - {name: slow, type: echo, mock_latency_ms: 30000}",
            settings: ServerSettings(requestDeadline: .milliseconds(100))
        )
        try await app.test { client in
            let started = ContinuousClock.now
            let response = try await client.chat()
            #expect(response.status == .gatewayTimeout)
            #expect(try response.openAIError()["code"] as? String == "deadline_exceeded")
            #expect(ContinuousClock.now - started < .seconds(15), "the 30 s call was cancelled at the deadline, not awaited")
        }
    }

    @Test func unknownPathAndMethodGetOpenAIErrors() async throws {
        try await app.test { client in
            let missing = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.openAIError()["type"] as? String == "invalid_request_error")
        }
    }
}
