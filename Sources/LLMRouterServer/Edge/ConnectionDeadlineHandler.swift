import LLMRouterCore
import Logging
import Metrics
import NIOCore

/// Enforces ``ConnectionLimits``' timeouts on one connection; the first handler of the pipeline,
/// so it sees the client's bytes before the HTTP decoder buffers them.
///
/// ``RequestProgressHandler``, after the HTTP codec, reports request heads and ends and answer
/// heads and ends. The rules live in ``ConnectionDeadlines``; this class keeps one timer armed
/// for the earliest deadline and carries out what the rules say when it fires.
final class ConnectionDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var state: ConnectionDeadlines<ContinuousClock.Instant>
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: ContinuousClock.Instant?

    init(limits: ConnectionLimits, logger: Logger) {
        self.state = ConnectionDeadlines(limits: limits, now: .now)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(state.deadline) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(state.deadline)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        arm(state.bytesArrived(now: .now))
        context.fireChannelRead(data)
    }

    // MARK: Reported by RequestProgressHandler

    func headReceived() { arm(state.headReceived(now: .now)) }
    func requestEnded() { arm(state.requestEnded()) }
    func answerBegan() { state.answerBegan() }
    func answerEnded() { arm(state.answerEnded(now: .now)) }

    // MARK: Timer

    /// Keeps the timer at or before `deadline`; a later deadline is checked when the timer fires.
    private func arm(_ deadline: ContinuousClock.Instant?) {
        guard let deadline else { return }
        if let timerDeadline, timerDeadline <= deadline { return }
        cancelTimer()
        schedule(deadline)
    }

    private func schedule(_ deadline: ContinuousClock.Instant) {
        guard let context else { return }
        timerDeadline = deadline
        let delay = max(.zero, deadline - .now)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanoseconds)) { [self] in
            timerFired()
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context else { return }
        switch state.timerFired(now: .now) {
        case .wait(let deadline):
            if let deadline { schedule(deadline) }
        case .close:
            Self.timeouts(.close).increment()
            logger.debug("client connection timed out; closing it")
            context.close(promise: nil)
        case .requestTimeout:
            Self.timeouts(.requestTimeout).increment()
            logger.debug("client too slow sending its request; answering 408 and closing")
            let buffer = context.channel.allocator.buffer(bytes: Self.requestTimeoutResponse)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private static func timeouts(_ expiry: ConnectionDeadlines<ContinuousClock.Instant>.Expiry) -> Counter {
        Counter(label: "llmrouter_client_timeouts_total", dimensions: [("action", expiry == .close ? "close" : "408")])
    }

    /// Written straight to the socket: no answer has started, so the HTTP encoder has nothing to say.
    static let requestTimeoutResponse: [UInt8] = {
        let body = #"{"error":{"message":"The request was not received in time.","type":"invalid_request_error","param":null,"code":"request_timeout"}}"#
        let head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }()
}

@available(*, unavailable)
extension ConnectionDeadlineHandler: Sendable {}
