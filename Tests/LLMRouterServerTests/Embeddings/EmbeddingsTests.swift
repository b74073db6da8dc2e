import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import NIOCore
import Testing

struct EmbeddingsTests {
    /// Two embedding routes of `e1` (the first always fails), one of `e2`, and a chat model.
    static let yaml = """
        providers:
          - {name: e1-broken, type: echo, kind: embeddings, model: e1, priority: 1, mock_failure_rate: 1}
          - {name: e1-good, type: echo, kind: embeddings, model: e1, priority: 2}
          - {name: e2-only, type: echo, kind: embeddings, model: e2, priority: 3}
          - {name: chatty, type: echo, model: chat-model, priority: 1}
        """

    @Test func floatsByDefaultFromTheNextRouteOfTheSameModel() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let response = try await client.embeddings(#"{"model":"e1","input":["hello","world"]}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.provider] == "e1-good")
            #expect(response.headers[.attempts] == "2")
            let data = try #require(try response.jsonObject()["data"] as? [[String: Any]])
            #expect(data.count == 2)
            let vector = try #require(data.first?["embedding"] as? [Double])
            #expect(vector.count == 8)
            let norm = vector.reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 0.001, "echo vectors are unit vectors")
        }
    }

    @Test func base64IsHonouredAndDecodesToTheFloatVector() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let floats = try await client.embeddings(#"{"model":"e2","input":"hello","dimensions":4}"#)
            let encoded = try await client.embeddings(#"{"model":"e2","input":"hello","dimensions":4,"encoding_format":"base64"}"#)
            let floatVector = try #require((try floats.jsonObject()["data"] as? [[String: Any]])?.first?["embedding"] as? [Double])
            let text = try #require((try encoded.jsonObject()["data"] as? [[String: Any]])?.first?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Double(Float(bitPattern: bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }))
            }
            #expect(decoded.count == 4)
            #expect(zip(decoded, floatVector).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test func failoverStaysWithinOneEmbeddingModel() async throws {
        let yaml = """
            providers:
              - {name: e1-broken, type: echo, kind: embeddings, model: e1, mock_failure_rate: 1}
              - {name: e2-fine, type: echo, kind: embeddings, model: e2}
            """
        let app = try TestApp(yaml: yaml)
        try await app.test { client in
            let response = try await client.embeddings(#"{"model":"e1","input":"hello"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.openAIError()["code"] as? String == "all_providers_failed")
            #expect(!String(buffer: response.body).contains("e2-fine"), "another model's route is never tried")
        }
    }

    @Test func kindsAreKeptApart() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let chatForEmbeddings = try await client.embeddings(#"{"model":"chat-model","input":"hello"}"#)
            #expect(chatForEmbeddings.status == .badRequest)
            let error = try chatForEmbeddings.openAIError()
            #expect(error["code"] as? String == "wrong_model_kind")
            #expect((error["message"] as? String)?.contains("/v1/chat/completions") == true)
            let embeddingsForChat = try await client.chat(model: "e1")
            #expect(embeddingsForChat.status == .badRequest)
            #expect((try embeddingsForChat.openAIError()["message"] as? String)?.contains("an embeddings model") == true)
            // `auto` chat never lands on an embeddings route.
            let auto = try await client.chat(model: "auto")
            #expect(auto.headers[.provider] == "chatty")
        }
    }

    @Test func badInputsAreClearFourHundreds() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            for (body, param) in [
                (#"{"model":"e1","input":[]}"#, "input"),
                (#"{"model":"e1","input":""}"#, "input"),
                (#"{"model":"e1"}"#, "input"),
                (#"{"model":"e1","input":[["a"]]}"#, "input"),
                (#"{"model":"e1","input":"x","encoding_format":"int8"}"#, "encoding_format"),
                (#"{"model":"e1","input":"x","dimensions":0}"#, "dimensions"),
            ] {
                let response = try await client.embeddings(body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.openAIError()["param"] as? String == param, "\(body)")
            }
            let tokens = try await client.embeddings(#"{"model":"e1","input":[[1,2,3],[4,5]]}"#)
            #expect(tokens.status == .ok)
            #expect((try tokens.jsonObject()["data"] as? [Any])?.count == 2)
        }
    }

    @Test func theRecordNamesTheEndpointAndCountsPromptTokens() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml, recorder: recorded)
        try await app.test { client in
            _ = try await client.embeddings(#"{"model":"e2","input":"one two three"}"#)
        }
        let record = try #require(recorded.records.last)
        #expect(record.endpoint == "embeddings")
        #expect(record.promptTokens == 3)
        #expect(record.completionTokens == 0)
        #expect(record.status == 200)
    }
}

extension TestClientProtocol {
    func embeddings(_ json: String) async throws -> TestResponse {
        try await execute(uri: "/v1/embeddings", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }
}

struct ModelMapServingTests {
    @Test func claudeNamesAreServedByTheMappedModels() async throws {
        let yaml = """
            routing:
              model_map: {"claude-*haiku*": small, "claude-*": big}
            providers:
              - {name: small-echo, type: echo, model: small}
              - {name: big-echo, type: echo, model: big}
            """
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: yaml, recorder: recorded)
        try await app.test { client in
            let haiku = try await client.chat(model: "claude-3-5-haiku-20241022")
            let sonnet = try await client.chat(model: "claude-sonnet-4-5-20250929")
            let unmapped = try await client.chat(model: "gpt-4o")
            #expect(haiku.headers[.provider] == "small-echo")
            #expect(sonnet.headers[.provider] == "big-echo")
            #expect(unmapped.status == .notFound)
        }
        #expect(recorded.records.first?.requestedModel == "claude-3-5-haiku-20241022", "the record keeps the name the client sent")
    }
}
