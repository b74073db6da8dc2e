import NIOCore
import Synchronization

/// Cancels a request's work when its client leaves before the answer is sent, so a client that
/// gave up (an SDK timeout) does not leave an upstream call running to the end and spending the
/// provider's quota.
///
/// Once headers are sent a stream notices a gone client by itself (its writes fail); this
/// covers the time before: the whole of a complete answer, and a stream's wait for its first
/// chunk. The server keeps half-closed connections open (a client's FIN does not close the
/// channel), so ``ClientCloseHandler`` reports the end of the client's input, as nginx treats
/// it: the client aborted. One entry per open connection, so a keep-alive connection serving
/// many requests does not pile up callbacks.
final class ClientDisconnectWatch: Sendable {
    static let shared = ClientDisconnectWatch()

    private struct Connection {
        /// Cancels the request in flight on the connection, if any.
        var cancelInFlight: (@Sendable () -> Void)?
    }

    private let connections = Mutex<[ObjectIdentifier: Connection]>([:])

    /// Runs `work` in a task that is cancelled if `channel` closes before it returns; the task
    /// stays on the channel's event loop, where its connection is served.
    func run<Result: Sendable>(on channel: any Channel, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let task = Task(executorPreference: EventLoopTaskExecutor.of(channel.eventLoop)) { try await work() }
        let id = ObjectIdentifier(channel)
        let cancel: @Sendable () -> Void = { task.cancel() }
        let isNew = connections.withLock { connections -> Bool in
            let isNew = connections[id] == nil
            connections[id, default: Connection()].cancelInFlight = cancel
            return isNew
        }
        if isNew {
            channel.closeFuture.whenComplete { [weak self] _ in self?.clientLeft(id) }
        }
        defer {
            connections.withLock { connections in
                if connections[id] != nil { connections[id]?.cancelInFlight = nil }
            }
        }
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch is CancellationError {
            // The client left: nobody reads this answer, but saying so keeps an expected event
            // out of the error log (nginx's 499).
            throw OpenAIError.clientClosedRequest
        }
    }

    /// The client of the connection `id` closed its side: cancel what runs for it.
    func clientLeft(_ id: ObjectIdentifier) {
        let pending = connections.withLock { $0.removeValue(forKey: id)?.cancelInFlight }
        pending?()
    }

    /// Connections being watched, for tests.
    var watchedConnections: Int { connections.withLock { $0.count } }
}

/// Tells ``ClientDisconnectWatch`` when a client stops sending (FIN) or the connection drops.
final class ClientCloseHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    /// Parts pass through untouched; only events are looked at.
    typealias InboundIn = Never

    private let watch: ClientDisconnectWatch

    init(watch: ClientDisconnectWatch = .shared) {
        self.watch = watch
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            watch.clientLeft(ObjectIdentifier(context.channel))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.clientLeft(ObjectIdentifier(context.channel))
        context.fireChannelInactive()
    }
}
