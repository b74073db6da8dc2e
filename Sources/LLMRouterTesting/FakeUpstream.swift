import NIOCore
import NIOHTTP1
import NIOPosix

/// A fake OpenAI-compatible upstream on `127.0.0.1` with a random port, scripted per request.
///
/// It is written on SwiftNIO directly so it can misbehave the way real upstreams do: answer
/// late, stream slowly, reset the connection mid-stream, send garbage. It also records what it
/// saw, including clients that hung up while it was still answering.
///
/// ```swift
/// let upstream = try await FakeUpstream.start(.rateLimited(retryAfter: 7), .completion(content: "hi"))
/// upstream.route("/v1/models", method: "GET", to: try .file(UpstreamFixtures.path("groq-models.json")))
/// // ... point a provider at upstream.baseURL ("http://127.0.0.1:PORT/v1") and call it ...
/// #expect(upstream.requestCount == 2)
/// try await upstream.shutdown()
/// ```
///
/// Replies are chosen per request: a route matching the path first, then the queue (in order),
/// then the default reply (a small completion unless set).
public final class FakeUpstream: Sendable {
    /// The port the fake listens on.
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let state: State

    private init(port: Int, group: MultiThreadedEventLoopGroup, serverChannel: any Channel, state: State) {
        self.port = port
        self.group = group
        self.serverChannel = serverChannel
        self.state = state
    }

    /// Starts a fake that serves `replies` in order, then `defaultReply`.
    public static func start(
        _ replies: Reply...,
        defaultReply: Reply = .completion(content: "ok"),
        routes: [String: Reply] = [:]
    ) async throws -> FakeUpstream {
        let state = State(defaultReply: defaultReply)
        state.update { values in
            values.queue = replies
            for (path, reply) in routes { values.routes["* \(path)"] = reply }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    state.update { $0.connections += 1 }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let port = channel.localAddress?.port else {
                throw FakeUpstreamError(message: "the fake upstream has no local port")
            }
            return FakeUpstream(port: port, group: group, serverChannel: channel, state: state)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The API root in the OpenAI-SDK convention: `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Queues replies for the next requests that match no route.
    public func enqueue(_ replies: Reply...) {
        state.update { $0.queue += replies }
    }

    /// Answers every request for `path` (query ignored) with `reply`; `method` nil matches any.
    public func route(_ path: String, method: String? = nil, to reply: Reply) {
        state.update { $0.routes["\(method ?? "*") \(path)"] = reply }
    }

    /// Replaces the reply used when no route matches and the queue is empty.
    public func setDefaultReply(_ reply: Reply) {
        state.update { $0.defaultReply = reply }
    }

    /// Every request received, in order.
    public var requests: [RecordedRequest] { state.read(\.requests) }
    public var requestCount: Int { state.read(\.requests.count) }
    public var lastRequest: RecordedRequest? { state.read(\.requests.last) }
    public var lastRequestBody: [UInt8]? { lastRequest?.body }
    public var lastRequestHeaders: [(String, String)] { lastRequest?.headers ?? [] }
    /// Connections accepted so far.
    public var connectionCount: Int { state.read(\.connections) }
    /// Connections the client closed while a reply was still pending or being written.
    public var clientDisconnects: Int { state.read(\.clientDisconnects) }
    /// Chunks of streamed replies written so far (one per event, `[DONE]` included).
    public var streamChunksWritten: Int { state.read(\.streamEventsWritten) }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes; returns its last value.
    /// For events that happen on the fake's own thread, such as noticing a disconnect.
    public func waitUntil(timeout: Duration = .seconds(2), _ condition: @Sendable (FakeUpstream) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Stops listening and closes every connection.
    public func shutdown() async throws {
        try? await serverChannel.close()
        try await group.shutdownGracefully()
    }
}
