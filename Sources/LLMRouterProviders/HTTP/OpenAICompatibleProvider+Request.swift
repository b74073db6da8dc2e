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
    /// The upstream request of a stream: the client's body with `model` spliced in and
    /// `stream: true`, never re-encoded. Every other field (tools, response_format, seed, vendor
    /// extensions ...) is sent as the client wrote it.
    func makeStreamRequest(_ request: ChatRequest, context: ProviderContext) -> HTTPClientRequest {
        var upstream = HTTPClientRequest(url: chatCompletionsURL)
        upstream.method = .POST
        upstream.headers = streamHeaders
        upstream.body = .bytes(request.upstreamBody(model: context.upstreamModel, stream: true, outputCap: configuration.capabilities.maxOutputTokens))
        return upstream
    }

    /// The body of a complete (non-streamed) call, spliced the same way: `stream` is false and
    /// `stream_options` is dropped, because OpenAI rejects `stream_options` without streaming.
    ///
    /// Both bodies lower `max_tokens` to the route's known output cap: clients such as Claude
    /// Code ask for 32,000 and more, which a free model with an 8,192-token cap refuses as a bad
    /// request, and a refusal of the request itself ends failover.
    func completeBody(_ request: ChatRequest, context: ProviderContext) -> [UInt8] {
        request.upstreamBody(
            model: context.upstreamModel,
            stream: request.fields["stream"] == nil ? nil : false,
            removing: ["stream_options"],
            outputCap: configuration.capabilities.maxOutputTokens
        )
    }

    /// Authorization (when there is a key), JSON content type, the right `Accept`, then the
    /// configured `extra_headers`, which replace ours on a name clash. Built once per provider.
    static func headers(stream: Bool, apiKey: String?, extraHeaders: [String: String]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "llmrouter")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: stream ? "text/event-stream" : "application/json")
        if let apiKey {
            headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) {
            headers.replaceOrAdd(name: name, value: value)
        }
        return headers
    }
}
