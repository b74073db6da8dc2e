import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Gathers one complete (non-streamed) upstream answer on the connection's event loop.
///
/// A complete answer is small and wanted whole, so it is collected where the bytes arrive and the
/// waiting request is resumed once, instead of once for the head and again for every body part.
/// A 2xx body over `successLimit` fails the call; any other body is cut at `errorLimit`, since it
/// is only evidence for the failure its status already decided.
final class CompletionCollector: HTTPClientResponseDelegate {
    struct Collected: Sendable {
        var head: HTTPResponseHead
        var body: ByteBuffer
    }

    /// The response head did not arrive within the connect + first-byte timeout.
    struct HeadTimedOut: Error {}

    private struct State {
        var head: HTTPResponseHead?
        var body: ByteBuffer?

        /// Keeps the first part as it came (most answers are one part); copies from the second on.
        mutating func append(_ part: ByteBuffer) {
            if body == nil {
                body = part
            } else {
                var part = part
                body?.writeBuffer(&part)
            }
        }
    }

    // AsyncHTTPClient calls the delegate on one event loop, but the waiting request reads
    // `headArrived` from its own thread after a failure; an uncontended lock is cheaper than a hop.
    private let state = NIOLockedValueBox(State())
    private let successLimit: Int
    private let errorLimit: Int

    init(successLimit: Int, errorLimit: Int) {
        self.successLimit = successLimit
        self.errorLimit = errorLimit
    }

    /// Whether the response head has arrived (the first-byte timeout no longer applies).
    var headArrived: Bool {
        state.withLockedValue { $0.head != nil }
    }

    func didReceiveHead(task: HTTPClient.Task<Collected>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLockedValue { $0.head = head }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Collected>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let tooLarge: NIOTooManyBytesError? = state.withLockedValue { state in
            let succeeded = state.head.map { (200..<300).contains($0.status.code) } ?? true
            let limit = succeeded ? successLimit : errorLimit
            let room = limit - (state.body?.readableBytes ?? 0)
            guard part.readableBytes <= room else {
                if succeeded { return NIOTooManyBytesError(maxBytes: limit) }
                state.append(part.getSlice(at: part.readerIndex, length: max(room, 0)) ?? ByteBuffer())
                return nil
            }
            state.append(part)
            return nil
        }
        if let tooLarge { return task.eventLoop.makeFailedFuture(tooLarge) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Collected>, _ error: any Error) {}

    func didFinishRequest(task: HTTPClient.Task<Collected>) throws -> Collected {
        try state.withLockedValue { state in
            guard let head = state.head else { throw HTTPClientError.remoteConnectionClosed }
            return Collected(head: head, body: state.body ?? ByteBuffer())
        }
    }
}
