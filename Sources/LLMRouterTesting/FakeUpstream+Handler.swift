#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOHTTP1

extension FakeUpstream {
    /// Serves one connection: collects each request, then carries out its ``Reply``.
    ///
    /// Runs on the channel's event loop only; timers use the isolated event-loop API, so the
    /// handler needs no locking of its own.
    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let state: State
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []
        /// A reply has started (or is scheduled) and has not ended yet.
        private var replying = false
        private var closedByUs = false
        private var timer: Scheduled<Void>?

        init(state: State) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = []
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let head else { return }
                let request = RecordedRequest(
                    method: head.method.rawValue,
                    path: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) },
                    body: body
                )
                self.head = nil
                replying = true
                perform(state.reply(to: request), for: request, context: context)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if replying, !closedByUs {
                state.update { $0.clientDisconnects += 1 }
            }
            timer?.cancel()
            timer = nil
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A client that resets its connection is expected in tests; just close.
            context.close(promise: nil)
        }

        private func perform(_ reply: Reply, for request: RecordedRequest, context: ChannelHandlerContext) {
            switch reply.kind {
            case .respond(let status, let headers, let bytes):
                var responseHeaders = HTTPHeaders(headers)
                responseHeaders.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
                context.write(wrapOutboundOut(.head(responseHead(status, responseHeaders))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                finishResponse(context: context)
            case .delay(let duration, let next):
                schedule(after: duration, context: context) { handler in
                    handler.perform(next, for: request, context: context)
                }
            case .reset:
                reset(context: context)
            case .chunks(let status, let headers, let chunks, let gap, let ending):
                var responseHeaders = HTTPHeaders(headers)
                responseHeaders.replaceOrAdd(name: "Cache-Control", value: "no-cache")
                context.writeAndFlush(wrapOutboundOut(.head(responseHead(status, responseHeaders))), promise: nil)
                writeChunks(chunks[...], gap: gap, ending: ending, context: context)
            case .dynamic(let makeReply):
                perform(makeReply(request), for: request, context: context)
            }
        }

        private func writeChunks(_ chunks: ArraySlice<[UInt8]>, gap: Duration, ending: Reply.StreamEnding, context: ChannelHandlerContext) {
            var remaining = chunks
            while let chunk = remaining.popFirst() {
                guard context.channel.isActive else { return }
                // Counted before writing, so a client that has read a chunk always finds it counted.
                state.update { $0.streamEventsWritten += 1 }
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))), promise: nil)
                if gap > .zero, !remaining.isEmpty {
                    schedule(after: gap, context: context) { handler in
                        handler.writeChunks(remaining, gap: gap, ending: ending, context: context)
                    }
                    return
                }
            }
            switch ending {
            case .end: finishResponse(context: context)
            case .reset where gap > .zero && !chunks.isEmpty:
                // A reset discards what the client has not read yet; the gap lets it read the last chunk.
                schedule(after: gap, context: context) { handler in handler.reset(context: context) }
            case .reset: reset(context: context)
            case .hang: break
            }
        }

        private func finishResponse(context: ChannelHandlerContext) {
            replying = false
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        /// Closes with SO_LINGER 0, so the client sees a TCP reset rather than an orderly close.
        private func reset(context: ChannelHandlerContext) {
            closedByUs = true
            if let options = context.channel as? any SocketOptionProvider {
                _ = options.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            }
            context.close(promise: nil)
        }

        private func schedule(after delay: Duration, context: ChannelHandlerContext, _ work: @escaping (Handler) -> Void) {
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in
                timer = nil
                guard context.channel.isActive else { return }
                work(self)
            }
        }

        private func responseHead(_ status: Int, _ headers: HTTPHeaders) -> HTTPResponseHead {
            HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        }
    }
}
