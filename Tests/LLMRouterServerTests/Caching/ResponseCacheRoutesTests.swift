import Foundation
import HTTPTypes
import HummingbirdTesting
import LLMRouterCore
import NIOCore
import Testing

/// The cache as clients meet it: headers, each wire format replaying a stored answer, the
/// request's own controls, tenants, and the admin route. Upstream calls are counted from the
/// records (a hit makes none).
struct ResponseCacheRoutesTests {
    static let yaml = """
        providers:
          - {name: local-echo, type: echo, model: m}
          - {name: embed-echo, type: echo, kind: embeddings, model: e}
        """
    static let question = #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"tell me a story"}]}"#
    static let cacheHeader = HTTPField.Name("X-LLMRouter-Cache")!

    static func app(keys: AccessKeys = AccessKeys()) throws -> (TestApp, RecordingRecorder) {
        let recorder = RecordingRecorder()
        let cache = ResponseCache(settings: ResponseCacheSettings(ttl: .seconds(60)))
        return (try TestApp(yaml: yaml, recorder: recorder, keys: keys, cache: cache), recorder)
    }

    static func upstreamCalls(_ recorder: RecordingRecorder) -> Int {
        recorder.records.reduce(0) { $0 + $1.attempts.filter { $0.latency != nil }.count }
    }

    /// Stores happen just after the answer leaves: retry a hit briefly instead of sleeping blindly.
    static func untilHit(_ send: () async throws -> TestResponse) async throws -> TestResponse {
        for _ in 0..<50 {
            let response = try await send()
            if response.headers[cacheHeader] == "hit" { return response }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("never a hit")
    }

    @Test func aRepeatedChatIsAHitWithAgeAndTheSameBody() async throws {
        let (app, recorder) = try Self.app()
        try await app.test { client in
            let miss = try await client.chat(Self.question)
            #expect(miss.headers[Self.cacheHeader] == "miss")
            let hit = try await Self.untilHit { try await client.chat(Self.question) }
            #expect(hit.headers[.age] != nil)
            #expect(hit.headers[.attempts] == "0")
            #expect(String(buffer: hit.body) == String(buffer: miss.body))
            #expect(Self.upstreamCalls(recorder) == 1)
        }
    }

    @Test func aStoredAnswerReplaysAsAnOpenAIStream() async throws {
        let (app, _) = try Self.app()
        try await app.test { client in
            let whole = try await client.chat(Self.question)
            let text = try #require(try whole.completionContent())
            let streamed = Self.question.replacingOccurrences(of: #""temperature":0"#, with: #""temperature":0,"stream":true"#)
            let replay = try await Self.untilHit { try await client.chat(streamed) }
            #expect(replay.headers[.contentType] == "text/event-stream")
            let data = replay.sseData
            #expect(data.last == "[DONE]")
            let pieces = data.dropLast().compactMap { payload -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
                let delta = ((object?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                return delta?["content"] as? String
            }
            #expect(pieces.count > 2, "replayed in word-sized pieces")
            #expect(pieces.joined() == text)
        }
    }

    @Test func anthropicAndResponsesReplayInTheirOwnFormats() async throws {
        let (app, recorder) = try Self.app()
        try await app.test { client in
            let message = #"{"model":"m","max_tokens":50,"temperature":0,"messages":[{"role":"user","content":"tell me a story"}]}"#
            let whole = try await client.messages(message)
            #expect(whole.headers[Self.cacheHeader] == "miss")
            let streamed = message.replacingOccurrences(of: #""max_tokens":50"#, with: #""max_tokens":50,"stream":true"#)
            let replay = try await Self.untilHit { try await client.messages(streamed) }
            let events = String(buffer: replay.body)
            #expect(events.contains("event: message_start"))
            #expect(events.contains("event: message_stop"))
            #expect(events.contains("tell"))

            let response = #"{"model":"m","temperature":0,"input":"tell me a story"}"#
            let first = try await client.responses(response)
            #expect(first.headers[Self.cacheHeader] == "miss")
            let again = try await Self.untilHit { try await client.responses(response) }
            #expect((try again.jsonObject()["object"] as? String) == "response")
            #expect(Self.upstreamCalls(recorder) == 2)
        }
    }

    @Test func embeddingsAreCachedWithoutAskingForDeterminism() async throws {
        let (app, recorder) = try Self.app()
        try await app.test { client in
            let body = #"{"model":"e","input":"hello"}"#
            let first = try await client.embeddings(body)
            let second = try await Self.untilHit { try await client.embeddings(body) }
            #expect(String(buffer: first.body) == String(buffer: second.body))
            #expect(Self.upstreamCalls(recorder) == 1)
        }
    }

    @Test func theRequestControlsTheCache() async throws {
        let (app, _) = try Self.app()
        try await app.test { client in
            _ = try await client.chat(Self.question)
            _ = try await Self.untilHit { try await client.chat(Self.question) }
            let fresh = try await client.chat(Self.question, headers: [.cacheControl: "no-cache"])
            #expect(fresh.headers[Self.cacheHeader] == "miss")
            let skipped = try await client.chat(Self.question, headers: [Self.cacheHeader: "off"])
            #expect(skipped.headers[Self.cacheHeader] == "bypass")
            let warm = try await client.chat(#"{"model":"m","temperature":0.9,"messages":[{"role":"user","content":"tell me a story"}]}"#)
            #expect(warm.headers[Self.cacheHeader] == "bypass")
        }
    }

    @Test func twoKeysNeverShareAnAnswerAndAdminClears() async throws {
        let keys = AccessKeys([
            AccessKey(name: "team-a", secret: "llmr-team-a-0123456789abcdef"),
            AccessKey(name: "team-b", secret: "llmr-team-b-0123456789abcdef"),
            AccessKey(name: "ops", secret: "llmr-ops-0123456789abcdefgh", isAdmin: true),
        ])
        let (app, _) = try Self.app(keys: keys)
        @Sendable func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }
        try await app.test { client in
            _ = try await client.chat(Self.question, headers: bearer("llmr-team-a-0123456789abcdef"))
            _ = try await Self.untilHit { try await client.chat(Self.question, headers: bearer("llmr-team-a-0123456789abcdef")) }
            let other = try await client.chat(Self.question, headers: bearer("llmr-team-b-0123456789abcdef"))
            #expect(other.headers[Self.cacheHeader] == "miss")
            let refused = try await client.execute(uri: "/admin/cache/clear", method: .post, headers: bearer("llmr-team-a-0123456789abcdef"))
            #expect(refused.status == .forbidden)
            let cleared = try await client.execute(uri: "/admin/cache/clear", method: .post, headers: bearer("llmr-ops-0123456789abcdefgh"))
            #expect(cleared.status == .ok)
            #expect((try cleared.jsonObject()["entries"] as? Int) == 2)
            let after = try await client.chat(Self.question, headers: bearer("llmr-team-a-0123456789abcdef"))
            #expect(after.headers[Self.cacheHeader] == "miss")
        }
    }
}
