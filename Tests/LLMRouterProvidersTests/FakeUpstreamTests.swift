import AsyncHTTPClient
import LLMRouterCore
import LLMRouterTesting
import NIOCore
import NIOHTTP1
import Testing

/// The fake's own behaviour, checked with a plain HTTP client.
struct FakeUpstreamTests {
    private func get(_ client: HTTPClient, _ url: String, method: HTTPMethod = .GET) async throws -> (Int, [UInt8], HTTPHeaders) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await client.execute(request, timeout: .seconds(2))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), Array(body.readableBytesView), response.headers)
    }

    @Test func routesQueueAndDefaultReply() async throws {
        let models = try UpstreamFixtures.path("groq-models.json")
        try await withUpstream(.completion(content: "first"), .rateLimited(retryAfter: 9)) { upstream, client in
            upstream.route("/v1/models", method: "GET", to: try .file(models))
            upstream.setDefaultReply(.error(status: 503, message: "default"))
            let url = upstream.baseURL
            let (modelsStatus, modelsBody, _) = try await get(client, url + "/models")
            #expect(modelsStatus == 200)
            #expect(modelsBody == (try UpstreamFixtures.bytes("groq-models.json")))
            #expect(try await get(client, url + "/chat/completions", method: .POST).0 == 200)
            let (limited, _, headers) = try await get(client, url + "/chat/completions", method: .POST)
            #expect(limited == 429)
            #expect(headers.first(name: "retry-after") == "9")
            // The route keeps answering; the queue is empty, so the default reply is used.
            #expect(try await get(client, url + "/models?x=1").0 == 200)
            #expect(try await get(client, url + "/chat/completions", method: .POST).0 == 503)
            #expect(upstream.requestCount == 5)
            #expect(upstream.requests.map(\.method) == ["GET", "POST", "POST", "GET", "POST"])
        }
    }

    @Test func modelsListAndCompletionAreValidJSON() async throws {
        try await withUpstream(.modelsList(ids: ["a", "b\"c"]), .completion(content: "line\nbreak")) { upstream, client in
            let (_, models, _) = try await get(client, upstream.baseURL + "/models")
            #expect(try json(models).objectValue?["data"]?.arrayValue?.count == 2)
            let (_, completion, _) = try await get(client, upstream.baseURL + "/chat/completions", method: .POST)
            let content = try json(completion).objectValue?["choices"]?.arrayValue?.first?.objectValue?["message"]?.objectValue?["content"]
            #expect(content == .string("line\nbreak"))
        }
    }

    @Test func streamFramesEventsAndEndsWithDone() async throws {
        try await withUpstream(.stream(events: ["{\"a\":1}", "two\nlines"])) { upstream, client in
            let (status, body, headers) = try await get(client, upstream.baseURL + "/chat/completions", method: .POST)
            #expect(status == 200)
            #expect(headers.first(name: "content-type") == "text/event-stream")
            #expect(String(decoding: body, as: UTF8.self) == "data: {\"a\":1}\n\ndata: two\ndata: lines\n\ndata: [DONE]\n\n")
            #expect(upstream.streamChunksWritten == 3)
        }
    }

    @Test func clientHangingUpDuringADelayIsCounted() async throws {
        try await withUpstream(.delay(.seconds(5), then: .completion(content: "late"))) { upstream, client in
            await #expect(throws: (any Error).self) {
                var request = HTTPClientRequest(url: upstream.baseURL + "/chat/completions")
                request.method = .POST
                _ = try await client.execute(request, timeout: .milliseconds(200))
            }
            #expect(await upstream.waitUntil { $0.clientDisconnects == 1 })
        }
    }
}
