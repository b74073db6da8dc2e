import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 in front of the test PostgreSQL, so one test can take the database
/// away from its instances without stopping it for the other tests.
///
/// ``cut()`` closes every relayed connection and leaves new ones open but unanswered — a
/// database gone silent behind a dead network, the case where only a timeout helps.
/// ``restore()`` closes those and relays again.
final class TCPRelay: Sendable {
    private struct State {
        var isCut = false
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    let port: Int
    private let server: any Channel
    private let box: StateBox

    private init(port: Int, server: any Channel, box: StateBox) {
        self.port = port
        self.server = server
        self.box = box
    }

    /// Starts relaying from a free port to `host:port`.
    static func start(to host: String, port targetPort: Int) async throws -> TCPRelay {
        let box = StateBox()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Nothing is read until the other side is connected (or ever, while cut).
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                box.track(inbound)
                guard !box.isCut else { return inbound.eventLoop.makeSucceededVoidFuture() }
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        box.track(outbound)
                        return outbound.eventLoop.makeCompletedFuture { try outbound.pipeline.syncOperations.addHandler(Forward(to: inbound)) }
                    }
                    .connect(host: host, port: targetPort)
                    .flatMap { outbound in
                        inbound.eventLoop.makeCompletedFuture { try inbound.pipeline.syncOperations.addHandler(Forward(to: outbound)) }
                            .flatMap { inbound.setOption(.autoRead, value: true) }
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = server.localAddress?.port else { throw RelayFailure() }
        return TCPRelay(port: port, server: server, box: box)
    }

    /// Drops every connection; new ones are held open, unanswered.
    func cut() {
        let open = box.state.withLock { state -> [any Channel] in
            state.isCut = true
            defer { state.channels = [:] }
            return Array(state.channels.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Drops the connections held while cut (their clients reconnect) and relays again.
    func restore() {
        let held = box.state.withLock { state -> [any Channel] in
            state.isCut = false
            defer { state.channels = [:] }
            return Array(state.channels.values)
        }
        for channel in held { channel.close(promise: nil) }
    }

    func stop() async {
        cut()
        try? await server.close()
    }

    private struct RelayFailure: Error {}

    /// The state the bootstrap's closures share with the relay.
    private final class StateBox: Sendable {
        let state = Mutex(State())

        var isCut: Bool { state.withLock { $0.isCut } }

        func track(_ channel: any Channel) {
            let id = ObjectIdentifier(channel)
            state.withLock { $0.channels[id] = channel }
            channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.channels.removeValue(forKey: id) } }
        }
    }
}

/// Writes what one side reads to the other, and closes the other when its side closes.
private final class Forward: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let partner: any Channel

    init(to partner: any Channel) {
        self.partner = partner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
