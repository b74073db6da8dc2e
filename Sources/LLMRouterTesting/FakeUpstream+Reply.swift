#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FakeUpstream {
    /// What the fake does with one request: answer, wait, stream, or break the connection.
    ///
    /// Build replies with the static members (`.json`, `.stream`, `.reset` ...); they compose,
    /// e.g. `.delay(.seconds(2), then: .completion(content: "late"))`.
    public struct Reply: Sendable {
        indirect enum Kind: Sendable {
            case respond(status: Int, headers: [(String, String)], body: [UInt8])
            case delay(Duration, then: Reply)
            case reset
            case chunks(status: Int, headers: [(String, String)], chunks: [[UInt8]], gap: Duration, ending: StreamEnding)
            case dynamic(@Sendable (RecordedRequest) -> Reply)
        }

        let kind: Kind

        /// How a streamed reply ends after its last chunk.
        public enum StreamEnding: Sendable {
            /// Ends the HTTP response normally; the connection stays open for reuse.
            case end
            /// Closes the connection abruptly with a TCP reset, mid-response.
            case reset
            /// Never ends the response: the client must time out or give up.
            case hang
        }

        /// Any status, headers and body, sent at once with a `Content-Length`.
        public static func raw(status: Int = 200, headers: [(String, String)] = [], body: [UInt8]) -> Reply {
            Reply(kind: .respond(status: status, headers: headers, body: body))
        }

        /// A JSON answer (`Content-Type: application/json` unless `headers` name another).
        public static func json(status: Int = 200, body: String, headers: [(String, String)] = []) -> Reply {
            json(status: status, bytes: Array(body.utf8), headers: headers)
        }

        /// A JSON answer from raw bytes, for fixtures that must arrive byte for byte.
        public static func json(status: Int = 200, bytes: [UInt8], headers: [(String, String)] = []) -> Reply {
            raw(status: status, headers: withDefault(headers, "Content-Type", "application/json"), body: bytes)
        }

        /// Waits `duration` before doing `reply`: the client sees no byte in between.
        public static func delay(_ duration: Duration, then reply: Reply) -> Reply {
            Reply(kind: .delay(duration, then: reply))
        }

        /// Closes the connection with a TCP reset instead of answering.
        public static var reset: Reply { Reply(kind: .reset) }

        /// A 200 JSON answer whose body is not JSON.
        public static var malformed: Reply { json(body: "<html>upstream hiccup: this is not JSON</html>") }

        /// An SSE answer: each element of `events` is one `data:` payload, flushed on its own
        /// with `gap` between them, then `data: [DONE]` unless `sendDone` is false.
        public static func stream(
            events: [String],
            gap: Duration = .zero,
            sendDone: Bool = true,
            headers: [(String, String)] = [],
            ending: StreamEnding = .end
        ) -> Reply {
            var chunks = events.map(sseFrame)
            if sendDone { chunks.append(sseFrame("[DONE]")) }
            return sse(chunks: chunks, gap: gap, headers: headers, ending: ending)
        }

        /// Streams `events` (no `[DONE]`), then resets the connection mid-response.
        public static func streamThenReset(events: [String], gap: Duration = .zero) -> Reply {
            stream(events: events, gap: gap, sendDone: false, ending: .reset)
        }

        /// Streams the first `count` of `events`, then ends the response without `[DONE]`: a
        /// stream cut after N chunks. Unlike a reset, the orderly end loses nothing in flight, so
        /// the client reads exactly `count` chunks before the failure.
        public static func streamCut(events: [String], after count: Int, gap: Duration = .zero) -> Reply {
            stream(events: Array(events.prefix(count)), gap: gap, sendDone: false)
        }

        /// An SSE answer made of exact byte chunks (each flushed on its own), for testing framing:
        /// comments, CRLF, events split across writes.
        public static func sse(
            chunks: [[UInt8]],
            gap: Duration = .zero,
            headers: [(String, String)] = [],
            ending: StreamEnding = .end
        ) -> Reply {
            let headers = withDefault(headers, "Content-Type", "text/event-stream")
            return Reply(kind: .chunks(status: 200, headers: headers, chunks: chunks, gap: gap, ending: ending))
        }

        /// A 429 with `Retry-After` (when given) and an OpenAI-style error body.
        public static func rateLimited(retryAfter seconds: Int? = nil, headers: [(String, String)] = []) -> Reply {
            var headers = headers
            if let seconds { headers.append(("Retry-After", String(seconds))) }
            return error(status: 429, message: "Rate limit reached, please try again later", type: "rate_limit_exceeded", headers: headers)
        }

        /// An OpenAI-style error answer: `{"error":{"message":...,"type":...,"code":...}}`.
        public static func error(status: Int, message: String, type: String = "server_error", headers: [(String, String)] = []) -> Reply {
            let body = #"{"error":{"message":\#(jsonString(message)),"type":\#(jsonString(type)),"code":\#(status)}}"#
            return json(status: status, body: body, headers: headers)
        }

        /// A valid `chat.completion` answering `content`.
        public static func completion(content: String, model: String = "fake-model") -> Reply {
            json(body: completionJSON(content: content, model: model))
        }

        /// A `GET /models` list with the given ids.
        public static func modelsList(ids: [String]) -> Reply {
            let items = ids.map { #"{"id":\#(jsonString($0)),"object":"model","created":0,"owned_by":"fake"}"# }
            return json(body: #"{"object":"list","data":[\#(items.joined(separator: ","))]}"#)
        }

        /// The bytes of a file, e.g. a captured fixture, with the given content type.
        public static func file(_ path: String, contentType: String = "application/json", status: Int = 200) throws -> Reply {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FakeUpstreamError(message: "cannot read \(path)")
            }
            return raw(status: status, headers: [("Content-Type", contentType)], body: Array(data))
        }

        /// Decides the reply per request, e.g. to echo a request header back.
        public static func respond(_ makeReply: @escaping @Sendable (RecordedRequest) -> Reply) -> Reply {
            Reply(kind: .dynamic(makeReply))
        }

        /// A `chat.completion.chunk` payload carrying `content` (or a `finish_reason`).
        public static func chunkJSON(content: String?, finishReason: String? = nil, model: String = "fake-model") -> String {
            let delta = content.map { #"{"content":\#(jsonString($0))}"# } ?? "{}"
            let finish = finishReason.map(jsonString) ?? "null"
            return #"{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":\#(jsonString(model)),"choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#
        }

        /// A `chat.completion` body answering `content`.
        public static func completionJSON(content: String, model: String = "fake-model") -> String {
            #"{"id":"chatcmpl-fake","object":"chat.completion","created":0,"model":\#(jsonString(model)),"choices":[{"index":0,"message":{"role":"assistant","content":\#(jsonString(content))},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#
        }

        /// One SSE event frame: `data: <line>` per line of `payload`, then a blank line.
        public static func sseFrame(_ payload: String) -> [UInt8] {
            let lines = payload.split(separator: "\n", omittingEmptySubsequences: false)
            return Array((lines.map { "data: \($0)\n" }.joined() + "\n").utf8)
        }

        private static func withDefault(_ headers: [(String, String)], _ name: String, _ value: String) -> [(String, String)] {
            headers.contains { $0.0.lowercased() == name.lowercased() } ? headers : [(name, value)] + headers
        }

        /// `text` as a JSON string literal.
        static func jsonString(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }

    /// One request the fake received.
    public struct RecordedRequest: Sendable {
        public var method: String
        /// The request target as sent, e.g. `/v1/chat/completions`.
        public var path: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        /// The first value of header `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }
}

/// A fake upstream that could not be set up.
public struct FakeUpstreamError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
