#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import AsyncHTTPClient
import LLMRouterCore
import NIOCore
import NIOHTTP1

/// `llmrouter cache`'s side of a running router's cache: `clear` asks its admin route, and
/// `warm FILE.jsonl` sends each request of a JSON-lines file through it, so the answers are in
/// its cache before clients ask (the seed's "cache priming").
///
/// A line is a request body for `/v1/chat/completions`, or `{"path": "/v1/embeddings", "body": {...}}`
/// for another API. Lines are sent one after another: a free tier's limits are the reason to
/// warm at all, and a burst would only meet them.
public struct RouterCacheClient: Sendable {
    public struct Line: Sendable, Equatable {
        public var number: Int
        public var path: String
        public var body: [UInt8]
    }

    public struct Tally: Sendable, Equatable {
        public var sent = 0
        /// Answered upstream and stored (or about to be).
        public var stored = 0
        /// Already cached.
        public var alreadyCached = 0
        /// Not cacheable as sent (not deterministic, or the cache said bypass).
        public var bypassed = 0
        public var failed = 0
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let baseURL: String
    public let key: String?

    public init(baseURL: String, key: String?) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.key = key
    }

    /// The requests of a JSON-lines text; an error names the file and line.
    public static func lines(of text: String, file: String) throws(Failure) -> [Line] {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = raw.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard case .object(let object)? = try? JSONValue(parsing: Array(trimmed.utf8)) else {
                throw Failure(description: "\(file):\(index + 1): not a JSON object")
            }
            if let body = object["body"] {
                guard case .object = body else { throw Failure(description: "\(file):\(index + 1): 'body' must be a JSON object") }
                let path = object["path"]?.stringValue ?? "/v1/chat/completions"
                guard path.hasPrefix("/v1/") else { throw Failure(description: "\(file):\(index + 1): 'path' must start with /v1/, got '\(path)'") }
                lines.append(Line(number: index + 1, path: path, body: JSONValue.encodedBytes(body)))
            } else {
                lines.append(Line(number: index + 1, path: "/v1/chat/completions", body: Array(trimmed.utf8)))
            }
        }
        return lines
    }

    /// `POST /admin/cache/clear`; the router's JSON answer.
    /// - Throws: ``Failure`` with the status and body when the router refuses.
    public func clear(client: HTTPClient) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + "/admin/cache/clear")
        request.method = .POST
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else { throw Failure(description: "\(baseURL)/admin/cache/clear answered \(response.status.code): \(body)") }
        return body
    }

    /// Sends every line, reporting each to `progress` (`[3/10] line 4: miss (200)`).
    public func warm(_ lines: [Line], client: HTTPClient, progress: (String) -> Void) async -> Tally {
        var tally = Tally()
        for (position, line) in lines.enumerated() {
            var request = HTTPClientRequest(url: baseURL + line.path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            request.body = .bytes(ByteBuffer(bytes: line.body))
            let outcome: String
            do {
                let response = try await client.execute(request, timeout: .seconds(300))
                _ = try await response.body.collect(upTo: 64 * 1024 * 1024)
                let verdict = response.headers.first(name: "X-LLMRouter-Cache") ?? "none"
                tally.sent += 1
                if response.status != .ok {
                    tally.failed += 1
                } else if verdict == "miss" {
                    tally.stored += 1
                } else if verdict.hasPrefix("hit") || verdict.hasPrefix("semantic-hit") {
                    tally.alreadyCached += 1
                } else {
                    tally.bypassed += 1
                }
                outcome = "\(verdict) (\(response.status.code))"
            } catch {
                tally.failed += 1
                outcome = "failed: \(error)"
            }
            progress("[\(position + 1)/\(lines.count)] line \(line.number) \(line.path): \(outcome)")
        }
        return tally
    }
}
