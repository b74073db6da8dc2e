import AsyncHTTPClient
import LLMRouterCore
import NIOCore
import NIOHTTP1

extension OpenAICompatibleProvider {
    /// A complete answer: the head within connect + first byte, the whole answer within the total
    /// timeout; both are capped by the request deadline.
    ///
    /// Uses AsyncHTTPClient's delegate API on the client connection's event loop: the answer is
    /// gathered where it arrives and this task resumes once, which keeps the proxy's added latency
    /// to about one thread hop.
    public func complete(_ request: ChatRequest, context: ProviderContext) async throws -> ChatCompletion {
        let start = NIODeadline.now()
        let headTimeout = headTimeout(context: context)
        let collector = CompletionCollector(successLimit: maximumBodySize, errorLimit: Self.maximumErrorBodySize)
        let collected: CompletionCollector.Collected
        do {
            var upstreamRequest = try completeRequest.get()
            upstreamRequest.body = .bytes(completeBody(request, context: context))
            let call = httpClient.execute(
                request: upstreamRequest,
                delegate: collector,
                eventLoop: eventLoopPreference(context),
                deadline: start + TimeAmount(cappedByRequestDeadline(configuration.timeouts.total, context: context)),
                logger: clientLogger(context)
            )
            let headTimer = call.eventLoop.scheduleTask(deadline: start + TimeAmount(headTimeout)) {
                if !collector.headArrived { call.fail(reason: CompletionCollector.HeadTimedOut()) }
            }
            call.futureResult.whenComplete { _ in headTimer.cancel() }
            collected = try await withTaskCancellationHandler {
                try await call.futureResult.get()
            } onCancel: {
                call.cancel()
            }
        } catch {
            throw logged(completeFailure(error, headArrived: collector.headArrived, headTimeout: headTimeout), context: context)
        }
        guard (200..<300).contains(collected.head.status.code) else {
            let failure = UpstreamFailure.http(
                status: Int(collected.head.status.code),
                headers: collected.head.headers,
                body: Array(collected.body.readableBytesView),
                redactor: redactor,
                dialect: dialect,
                now: now()
            )
            throw logged(failure, context: context)
        }
        switch CompletionBody.check(collected.body, redactor: redactor, dialect: dialect) {
        case .failure(let failure):
            throw logged(failure, context: context)
        case .success(let usage):
            var report = dialect.report(headers: collected.head.headers, now: now())
            report.promptTokens = usage.promptTokens
            report.completionTokens = usage.completionTokens
            return ChatCompletion(body: collected.body, report: report, usageLocation: dialect.usageLocation)
        }
    }

    /// Runs the call where the client's connection is served, when that loop is one of the HTTP
    /// client's: the answer then needs no thread hop to reach the waiting request. Only the
    /// delegate is pinned; pinning the connection too would make the pool open a throw-away
    /// connection whenever that loop has no idle one.
    private func eventLoopPreference(_ context: ProviderContext) -> HTTPClient.EventLoopPreference {
        hostEventLoop(for: context).map { .delegate(on: $0) } ?? .indifferent
    }

    /// The caller's event loop if the HTTP client can run a call there (AsyncHTTPClient traps on a
    /// loop outside its group, such as a test's embedded loop).
    func hostEventLoop(for context: ProviderContext) -> (any EventLoop)? {
        guard let eventLoop = context.eventLoop, clientEventLoops.contains(ObjectIdentifier(eventLoop)) else { return nil }
        return eventLoop
    }

    private func completeFailure(_ error: any Error, headArrived: Bool, headTimeout: Duration) -> any Error {
        switch error {
        case is CompletionCollector.HeadTimedOut:
            return UpstreamFailure(kind: .timeout, message: "no response within \(headTimeout.secondsText) (connect + first-byte timeout)")
        case let error as HTTPClientError where error == .deadlineExceeded:
            return totalTimeoutFailure
        default:
            return classify(error, phase: headArrived ? .body : .head(timeout: headTimeout))
        }
    }
}
