import AsyncHTTPClient
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import NIOCore
import NIOHTTP1

extension OpenAICompatibleProvider {
    /// The upstream request: the client's fields with `model` replaced, as JSON.
    ///
    /// Every other field (tools, response_format, seed, vendor extensions ...) is sent as the
    /// client wrote it. Only the stream switch is ours: `stream: true` for streams; for complete
    /// calls `stream` is false and `stream_options` is dropped, because OpenAI rejects
    /// `stream_options` without streaming.
    func makeRequest(_ request: ChatRequest, context: ProviderContext, stream: Bool) throws(UpstreamFailure) -> HTTPClientRequest {
        var fields = request.upstreamFields(model: context.upstreamModel)
        if stream {
            fields["stream"] = .bool(true)
        } else {
            if fields["stream"] != nil { fields["stream"] = .bool(false) }
            fields["stream_options"] = nil
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body: Data
        do {
            body = try encoder.encode(fields)
        } catch {
            // Fields came from decoded JSON, so this needs a value JSON cannot hold (NaN).
            throw UpstreamFailure(kind: .clientError, message: "request could not be encoded as JSON")
        }
        var upstream = HTTPClientRequest(url: chatCompletionsURL)
        upstream.method = .POST
        upstream.headers = headers(stream: stream)
        upstream.body = .bytes(ByteBuffer(bytes: body))
        return upstream
    }

    /// Authorization (when there is a key), JSON content type, the right `Accept`, then the
    /// configured `extra_headers`, which replace ours on a name clash.
    func headers(stream: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "llmrouter")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        if let apiKey {
            headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        for (name, value) in configuration.extraHeaders.sorted(by: { $0.key < $1.key }) {
            headers.replaceOrAdd(name: name, value: value)
        }
        return headers
    }
}
