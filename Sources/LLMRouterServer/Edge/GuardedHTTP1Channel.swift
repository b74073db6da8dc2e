import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore

/// Hummingbird's HTTP/1 channel with ``ConnectionLimits``' timeouts: a
/// ``ConnectionDeadlineHandler`` in front of the HTTP decoder, and after it a
/// ``RequestProgressHandler`` and the ``ClientCloseHandler`` that cancels the work of a client
/// that left. Each connection is served on its channel's event loop.
public struct GuardedHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits

    public init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        self.inner = HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [RequestProgressHandler(), ClientCloseHandler()]))
        self.limits = limits
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionDeadlineHandler(limits: limits, logger: logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    /// Serves the connection's requests on its own event loop (see ``EventLoopTaskExecutor``).
    public func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor.of(value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with ``ConnectionLimits``' timeouts.
    public static func guardedHTTP1(limits: ConnectionLimits) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits) }
    }
}
