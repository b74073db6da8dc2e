import Foundation
import Hummingbird
import LLMRouterServer
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs a ``RouterApplication`` as the server runs it (its own channel, timeouts and connection
/// cap) on 127.0.0.1 with a free port, for the duration of `body`.
enum LiveServer {
    static func run(
        _ application: RouterApplication<ContinuousClock>,
        logger: Logger = Logger(label: "live-test"),
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = application.buildApplication(logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw TestFailure("the server did not report a port") }
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// A bare TCP client that writes exactly the bytes it is given, when it is told to, and records
/// what comes back and when the server closed: a slow or idle HTTP client.
final class RawClient: Sendable {
    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(port: Int) async throws -> RawClient {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector.handler()) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawClient(channel: channel, collector: collector)
    }

    /// Sends `text`; `false` when the server has closed the connection.
    @discardableResult
    func send(_ text: String) async -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text))
            return true
        } catch {
            return false
        }
    }

    /// Sends `text` a byte at a time, `gap` apart, until done or the server closes.
    func trickle(_ text: String, gap: Duration) async {
        for character in text {
            guard !collector.isClosed, await send(String(character)) else { return }
            try? await Task.sleep(for: gap)
        }
    }

    var received: String { collector.text }
    var isClosed: Bool { collector.isClosed }

    /// Waits until `condition` holds for what arrived, or `timeout`; returns whether it held.
    func wait(timeout: Duration, until condition: (RawClient) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }

    func close() async {
        try? await channel.close()
    }

    /// Bytes received and whether the server closed, shared with the channel's handler.
    final class Collector: Sendable {
        private let state = NIOLockedValueBox((text: "", closed: false))
        var text: String { state.withLockedValue { $0.text } }
        var isClosed: Bool { state.withLockedValue { $0.closed } }

        func handler() -> Handler { Handler(collector: self) }

        final class Handler: ChannelInboundHandler, Sendable {
            typealias InboundIn = ByteBuffer
            let collector: Collector

            init(collector: Collector) { self.collector = collector }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let text = String(buffer: unwrapInboundIn(data))
                collector.state.withLockedValue { $0.text += text }
            }

            func channelInactive(context: ChannelHandlerContext) {
                collector.state.withLockedValue { $0.closed = true }
            }

            func errorCaught(context: ChannelHandlerContext, error: any Error) {
                context.close(promise: nil)
            }
        }
    }
}
