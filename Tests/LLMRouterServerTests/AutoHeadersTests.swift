import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import NIOCore
import Testing

/// `model: auto` over HTTP: the headers that say which tier and model, and a cascade's path.
struct AutoHeadersTests {
    static func yaml(cascade: Bool) -> String {
        """
        routing:
          auto: {cascade: \(cascade)}
        providers:
          - {name: small, type: echo, model: llama-3.1-8b, tier: simple, quality: 17, priority: 1}
          - {name: big, type: echo, model: llama-3.3-70b, tier: general, quality: 28, priority: 2}
          - {name: coder, type: echo, model: kimi-k2, tier: code, quality: 50, priority: 3}
        """
    }

    @Test func theAnswerNamesTheTierAndModel() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml(cascade: false), recorder: recorded)
        try await app.test { client in
            let hello = try await client.chat(model: "auto", content: "hello")
            #expect(hello.status == .ok)
            #expect(hello.headers[.auto] == "tier=simple; model=llama-3.1-8b")
            #expect(hello.headers[.provider] == "small")
            #expect(hello.headers[.cascade] == nil)

            let code = try await client.chat(content: "Write a Python function that reverses a linked list.")
            #expect(code.headers[.auto] == "tier=code; model=kimi-k2")
            #expect(code.headers[.provider] == "coder")

            let named = try await client.chat(model: "llama-3.3-70b", content: "hello")
            #expect(named.headers[.auto] == nil)
            #expect(named.headers[.provider] == "big")

            let message = try await client.execute(
                uri: "/v1/messages", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"model":"auto","max_tokens":64,"messages":[{"role":"user","content":"Fix this bug: TypeError in my JavaScript function"}]}"#)
            )
            #expect(message.status == .ok)
            #expect(message.headers[.auto] == "tier=code; model=kimi-k2")
        }
        #expect(recorded.records.map(\.autoTier) == ["simple", "code", nil, "code"])
    }

    @Test func aCascadeShowsBothStepsAndTheClientGetsTheLast() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml(cascade: true), recorder: recorded)
        try await app.test { client in
            // Echo answers are text, not the JSON object JSON mode asks for: the gate fails the cheap one.
            let body = #"{"model":"auto","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"Describe my neighbour's cat: give its name, its colour and its favourite place to sleep."}]}"#
            let response = try await client.chat(body, headers: [.contentType: "application/json"])
            #expect(response.status == .ok)
            #expect(response.headers[.cascade] == "llama-3.1-8b -> llama-3.3-70b; reason=invalid_json")
            #expect(response.headers[.auto] == "tier=default; model=llama-3.3-70b")
            #expect(response.headers[.provider] == "big")
            #expect(response.headers[.attempts] == "2")
            #expect(try response.completionContent()?.hasPrefix("big: ") == true)

            // A good cheap answer is the answer.
            let plain = try await client.chat(model: "auto", content: "Tell me about the history of the Silk Road and how it shaped trade.")
            #expect(plain.headers[.cascade] == nil)
            #expect(plain.headers[.provider] == "small")
        }
        let records = recorded.records
        #expect(records.map(\.provider) == ["small", "big", "small"])
        #expect(records.map(\.cascade) == ["llama-3.1-8b -> llama-3.3-70b; reason=invalid_json", "llama-3.1-8b -> llama-3.3-70b; reason=invalid_json", nil])
        #expect(records.map(\.errorCode) == ["cascade_invalid_json", nil, nil])
    }
}

extension HTTPField.Name {
    static let auto = Self("X-LLMRouter-Auto")!
    static let cascade = Self("X-LLMRouter-Cascade")!
}
