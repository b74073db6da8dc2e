import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import NIOCore
import Testing

/// `/v1/responses` end to end through the router.
struct ResponsesRoutesTests {
    static let yaml = """
        providers:
          - {name: broken, type: echo, model: small, priority: 1, mock_failure_rate: 1}
          - {name: good, type: echo, model: small, priority: 2}
        """

    @Test func aResponseAndASecondTurnThatContinuesIt() async throws {
        let recorded = RecordingRecorder()
        let app = try TestApp(yaml: Self.yaml, recorder: recorded)
        try await app.test { client in
            let first = try await client.responses(#"{"model":"small","input":"hello","instructions":"be brief"}"#)
            #expect(first.status == .ok)
            #expect(first.headers[.provider] == "good")
            let response = try first.jsonObject()
            #expect(response["object"] as? String == "response")
            #expect(response["status"] as? String == "completed")
            let output = try #require(response["output"] as? [[String: Any]])
            let text = (output.first?["content"] as? [[String: Any]])?.first?["text"] as? String
            #expect(text == "good: hello")
            let id = try #require(response["id"] as? String)
            let second = try await client.responses(#"{"model":"small","input":"again","previous_response_id":"\#(id)"}"#)
            #expect(second.status == .ok)
            let unknown = try await client.responses(#"{"model":"small","input":"x","previous_response_id":"resp_nope"}"#)
            #expect(unknown.status == .badRequest)
            #expect(try unknown.openAIError()["param"] as? String == "previous_response_id")
        }
        #expect(recorded.records.map(\.endpoint) == ["responses", "responses"], "the unknown id is refused before routing")
    }

    @Test func storeFalseKeepsNothing() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let first = try await client.responses(#"{"model":"small","input":"hello","store":false}"#)
            let id = try #require(try first.jsonObject()["id"] as? String)
            let second = try await client.responses(#"{"model":"small","input":"again","previous_response_id":"\#(id)"}"#)
            #expect(second.status == .badRequest)
        }
    }

    @Test func aStreamCarriesSequencedEventsAndEndsCompleted() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let response = try await client.responses(#"{"model":"small","input":"hello","stream":true}"#)
            #expect(response.status == .ok)
            let payloads = String(buffer: response.body).components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
            let events = payloads.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(events.first?["type"] as? String == "response.created")
            #expect(events.last?["type"] as? String == "response.completed")
            #expect(events.compactMap { $0["sequence_number"] as? Int } == Array(0..<events.count))
            let deltas = events.filter { $0["type"] as? String == "response.output_text.delta" }.compactMap { $0["delta"] as? String }.joined()
            #expect(deltas == "good: hello")
        }
    }

    @Test func unroutableRequestsAreOpenAIErrors() async throws {
        let app = try TestApp(yaml: Self.yaml)
        try await app.test { client in
            let unknown = try await client.responses(#"{"model":"nope","input":"x"}"#)
            #expect(unknown.status == .notFound)
            #expect(try unknown.openAIError()["code"] as? String == "model_not_found")
            let noInput = try await client.responses(#"{"model":"small"}"#)
            #expect(noInput.status == .badRequest)
            #expect(try noInput.openAIError()["param"] as? String == "input")
        }
    }
}

extension TestClientProtocol {
    func responses(_ json: String) async throws -> TestResponse {
        try await execute(uri: "/v1/responses", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }
}
