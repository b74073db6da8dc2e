import AsyncHTTPClient
import LLMRouterCore
import Logging
import NIOCore
import Synchronization

/// The events of one upstream stream, read from the response body when iteration starts.
///
/// Each `makeAsyncIterator()` starts a ``StreamPump`` task that reads the body, parses SSE and
/// hands payloads over through an `AsyncThrowingStream`. The iterator holds the only reference
/// to that stream, so when the consumer stops (its task is cancelled, or it drops the iterator)
/// the stream terminates, the pump task is cancelled, and AsyncHTTPClient, whose body iterator
/// cancels the request when its task is cancelled, closes the upstream connection. A body that
/// is never iterated is dropped with the sequence, which AHC treats as a cancellation too.
struct UpstreamEventSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let pump: StreamPump
    /// A response body can be read once; a second iterator fails instead of trapping in AHC.
    private let started = StartedFlag()

    init(pump: StreamPump) {
        self.pump = pump
    }

    func makeAsyncIterator() -> AsyncThrowingStream<ByteBuffer, any Error>.Iterator {
        let (events, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        guard started.claim() else {
            continuation.finish(throwing: UpstreamFailure(kind: .badResponse, message: "stream already consumed"))
            return events.makeAsyncIterator()
        }
        let task = Task { await pump.run(into: continuation) }
        continuation.onTermination = { termination in
            if case .cancelled = termination { task.cancel() }
        }
        return events.makeAsyncIterator()
    }

    private final class StartedFlag: Sendable {
        private let value = Mutex(false)

        /// True for the first caller only.
        func claim() -> Bool {
            value.withLock { started in
                defer { started = true }
                return !started
            }
        }
    }
}

/// Reads an upstream SSE body and forwards each `data:` payload until `[DONE]`.
struct StreamPump: Sendable {
    let body: HTTPClientResponse.Body
    /// The end of the call's total timeout.
    let deadline: ContinuousClock.Instant
    let timeoutFailure: UpstreamFailure
    let redactor: SecretRedactor
    let dialect: VendorDialect
    let providerName: String
    let logger: Logger

    /// Bytes read after `[DONE]` so the connection can be reused; a server that sends more than
    /// this after its end marker loses the connection instead.
    static let drainLimit = 64 << 10

    func run(into continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) async {
        do {
            try await withDeadline(deadline, failure: timeoutFailure) {
                try await forward(into: continuation)
            }
            continuation.finish()
        } catch {
            // The consumer is gone (it cancelled, or `deliver` found the stream terminated):
            // nobody is left to tell. Any other error must reach the consumer, even one that
            // looks like a cancellation, or a cut-off stream would pass for a complete one.
            if Task.isCancelled || error is CancellationError {
                continuation.finish()
                return
            }
            let failure = UpstreamFailure.transport(error, phase: .stream, redactor: redactor)
            logger.debug(
                "upstream stream failed",
                metadata: [
                    "llmrouter.provider": "\(providerName)",
                    "llmrouter.failure_kind": "\(failure.kind.rawValue)",
                ]
            )
            continuation.finish(throwing: failure)
        }
    }

    private func forward(into continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) async throws {
        var parser = SSEParser()
        var iterator = body.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            for event in try parser.feed(chunk) {
                guard try deliver(event, to: continuation) == .done else { continue }
                continuation.finish()
                try await drain(&iterator)
                return
            }
        }
        for event in parser.finish() {
            guard try deliver(event, to: continuation) == .done else { continue }
            continuation.finish()
            return
        }
        throw UpstreamFailure(kind: .connection, message: "stream ended before [DONE]")
    }

    private enum Delivery { case more, done }

    private func deliver(
        _ event: SSEParser.Event,
        to continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    ) throws -> Delivery {
        if event.isDone { return .done }
        if let failure = CompletionBody.streamFailure(in: event.data, redactor: redactor, dialect: dialect) { throw failure }
        if case .terminated = continuation.yield(event.data) { throw CancellationError() }
        return .more
    }

    /// Reads what follows `[DONE]` (normally just the end of the chunked body).
    private func drain(_ iterator: inout HTTPClientResponse.Body.AsyncIterator) async throws {
        var drained = 0
        while drained <= Self.drainLimit, let chunk = try await iterator.next() {
            drained += chunk.readableBytes
        }
    }
}
