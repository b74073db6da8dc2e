public import AsyncHTTPClient
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import LLMRouterCore
import Logging
import NIOCore
import NIOHTTP1

/// A provider that speaks the OpenAI chat-completions protocol over HTTP: Groq, OpenRouter,
/// NVIDIA NIM, Hugging Face and any `openai`-type server.
///
/// Answers pass through as the upstream's bytes: a complete answer is checked (a JSON object with
/// `choices`) but never re-encoded, and a stream yields each SSE `data:` payload as received.
/// Every failure is thrown as an ``UpstreamFailure`` whose message is short and key-free.
///
/// ```swift
/// let endpoint = try UpstreamEndpoint.resolve(configuration, environment: ProcessInfo.processInfo.environment)
/// let provider = OpenAICompatibleProvider(configuration: configuration, httpClient: sharedClient, endpoint: endpoint)
/// ```
///
/// - Important: `httpClient` is shared by every provider and call, so its pool is reused; create
///   it once (see ``AsyncHTTPClient/HTTPClient/Configuration/upstream(connectTimeout:)``) and shut
///   it down at exit. The provider never creates a client.
public struct OpenAICompatibleProvider: Provider {
    public let configuration: ProviderConfiguration
    /// The URL every call is POSTed to.
    public let chatCompletionsURL: String
    /// The most bytes a complete answer may have. Defaults to 16 MiB.
    public let maximumBodySize: Int
    let httpClient: HTTPClient
    /// The client's event loops, to tell whether a caller's loop can host the upstream call.
    let clientEventLoops: Set<ObjectIdentifier>
    /// The request headers of complete calls and of streams (they differ in `Accept`).
    let completeHeaders: HTTPHeaders
    let streamHeaders: HTTPHeaders
    /// A complete call's request without its body, built once: parsing the URL on every call
    /// cost more than the rest of preparing it. Holds the error when the URL is unusable.
    let completeRequest: Result<HTTPClient.Request, any Error>
    let redactor: SecretRedactor
    /// How this vendor writes its rate limits (from the configuration's kind).
    let dialect: VendorDialect
    let now: @Sendable () -> Date

    /// As the vendor's dialect says.
    public var assistantPrefill: AssistantPrefill { dialect.assistantPrefill }

    /// The most bytes of an error body kept for the message and the client.
    static let maximumErrorBodySize = 64 << 10

    /// - Parameters:
    ///   - configuration: the provider entry; its `timeouts` and `extra_headers` apply to every call.
    ///   - httpClient: the process-wide client.
    ///   - apiKey: sent as `Authorization: Bearer`; `nil` sends no authorization.
    ///   - baseURL: the API root (`https://api.groq.com/openai/v1`), or a full
    ///     `.../chat/completions` URL.
    ///   - maximumBodySize: the largest complete answer accepted.
    ///   - now: the wall clock, for `Retry-After` dates.
    public init(
        configuration: ProviderConfiguration,
        httpClient: HTTPClient,
        apiKey: String?,
        baseURL: String,
        maximumBodySize: Int = 16 << 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clientEventLoops = Set(httpClient.eventLoopGroup.makeIterator().map { ObjectIdentifier($0) })
        self.completeHeaders = Self.headers(stream: false, apiKey: apiKey, extraHeaders: configuration.extraHeaders)
        self.streamHeaders = Self.headers(stream: true, apiKey: apiKey, extraHeaders: configuration.extraHeaders)
        self.chatCompletionsURL = UpstreamEndpoint.chatCompletionsURL(forBase: baseURL)
        self.completeRequest = Result { [chatCompletionsURL, completeHeaders] in
            try HTTPClient.Request(url: chatCompletionsURL, method: .POST, headers: completeHeaders)
        }
        self.maximumBodySize = maximumBodySize
        self.redactor = SecretRedactor(secrets: apiKey.map { [$0] } ?? [])
        self.dialect = VendorDialect.for(configuration.kind)
        self.now = now
    }

    /// A provider for a resolved ``UpstreamEndpoint``.
    public init(configuration: ProviderConfiguration, httpClient: HTTPClient, endpoint: UpstreamEndpoint) {
        self.init(configuration: configuration, httpClient: httpClient, apiKey: endpoint.apiKey, baseURL: endpoint.chatCompletionsURL)
    }

    /// A stream: the head within connect + first byte; the body, read by a pump task that runs
    /// for the whole stream, within the total timeout.
    public func stream(_ request: ChatRequest, context: ProviderContext) async throws -> ChatEventStream {
        let deadline = ContinuousClock.now + configuration.timeouts.total
        let upstreamRequest = makeStreamRequest(request, context: context)
        let body: HTTPClientResponse.Body
        let report: UpstreamReport
        do {
            let response = try await execute(upstreamRequest, context: context)
            guard (200..<300).contains(response.status.code) else {
                throw await failure(for: response)
            }
            if let failure = await nonStreamAnswerFailure(response) { throw failure }
            body = response.body
            report = dialect.report(headers: response.headers, now: now())
        } catch {
            throw logged(classify(error, phase: .stream), context: context)
        }
        let pump = StreamPump(
            body: body,
            deadline: deadline,
            timeoutFailure: totalTimeoutFailure,
            redactor: redactor,
            dialect: dialect,
            providerName: configuration.name,
            logger: context.logger
        )
        return ChatEventStream(UpstreamEventSequence(pump: pump), report: report, usageLocation: dialect.usageLocation)
    }

    /// Sends the request and waits for the response head, within connect + first-byte time
    /// (capped by the total timeout and the request deadline).
    ///
    /// AsyncHTTPClient's deadline covers exactly this part of the call (it is dropped once the
    /// head arrives); its connect timeout is a setting of the shared client, so the per-provider
    /// connect budget is folded into this deadline.
    func execute(_ request: HTTPClientRequest, context: ProviderContext) async throws -> HTTPClientResponse {
        let headTimeout = headTimeout(context: context)
        do {
            return try await httpClient.execute(request, deadline: .now() + TimeAmount(headTimeout), logger: clientLogger(context))
        } catch {
            throw classify(error, phase: .head(timeout: headTimeout))
        }
    }

    /// The request's logger for AsyncHTTPClient's own lines, which are all debug or trace: below
    /// that level the client gets none, which spares it tagging a copy of the logger per call.
    func clientLogger(_ context: ProviderContext) -> Logger? {
        context.logger.logLevel <= .debug ? context.logger : nil
    }

    /// How long the call may wait for the response head: connect + first byte, capped by the
    /// total timeout and by what is left of the request deadline.
    func headTimeout(context: ProviderContext) -> Duration {
        let timeouts = configuration.timeouts
        return cappedByRequestDeadline(min(timeouts.connect + timeouts.firstByte, timeouts.total), context: context)
    }

    /// `timeout`, or what is left of the request deadline when that is sooner.
    func cappedByRequestDeadline(_ timeout: Duration, context: ProviderContext) -> Duration {
        guard let timeLeft = context.timeLeft else { return timeout }
        return min(timeout, max(timeLeft, .zero))
    }

    /// The failure a non-2xx answer stands for, reading a bounded prefix of its body.
    func failure(for response: HTTPClientResponse) async -> UpstreamFailure {
        let body = await Self.prefix(of: response.body, limit: Self.maximumErrorBodySize)
        return .http(status: Int(response.status.code), headers: response.headers, body: body, redactor: redactor, dialect: dialect, now: now())
    }

    /// A 2xx JSON answer to a stream request: an error object, or an upstream that ignored
    /// `stream: true`. Either way there is no stream to pass on.
    func nonStreamAnswerFailure(_ response: HTTPClientResponse) async -> UpstreamFailure? {
        guard let contentType = response.headers.first(name: "content-type")?.lowercased(),
              contentType.hasPrefix("application/json")
        else { return nil }
        let body = await Self.prefix(of: response.body, limit: Self.maximumErrorBodySize)
        return CompletionBody.errorObject(in: body, redactor: redactor, dialect: dialect)
            ?? UpstreamFailure(kind: .badResponse, message: "expected an event stream, got \(contentType)")
    }

    var totalTimeoutFailure: UpstreamFailure {
        UpstreamFailure(kind: .timeout, message: "no complete answer within \(configuration.timeouts.total.secondsText) (total timeout)")
    }

    /// Turns any error into an ``UpstreamFailure``, except our own cancellation, which stays one.
    func classify(_ error: any Error, phase: UpstreamFailure.CallPhase) -> any Error {
        if error is UpstreamFailure { return error }
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        return UpstreamFailure.transport(error, phase: phase, redactor: redactor)
    }

    func logged(_ error: any Error, context: ProviderContext) -> any Error {
        if let failure = error as? UpstreamFailure {
            context.logger.debug(
                "upstream call failed",
                metadata: [
                    "llmrouter.provider": "\(configuration.name)",
                    "llmrouter.failure_kind": "\(failure.kind.rawValue)",
                    "llmrouter.upstream_status": "\(failure.status.map(String.init) ?? "none")",
                ]
            )
        }
        return error
    }

    /// Up to `limit` bytes of `body`; whatever arrived when reading fails, since an error body is
    /// only evidence and the status already decided the outcome.
    static func prefix(of body: HTTPClientResponse.Body, limit: Int) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes.append(contentsOf: chunk.readableBytesView.prefix(limit - bytes.count))
                if bytes.count >= limit { break }
            }
        } catch {
            return bytes
        }
        return bytes
    }
}
