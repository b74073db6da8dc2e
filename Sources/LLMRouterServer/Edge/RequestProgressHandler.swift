import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits after the HTTP codec and tells ``ConnectionDeadlineHandler`` where the connection is in
/// its requests and answers; also answers `Expect: 100-continue` at once, so a client that asks
/// (curl does for bodies over 1 MiB) does not wait a second before sending its body.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: ConnectionDeadlineHandler?

    func handlerAdded(context: ChannelHandlerContext) {
        deadlines = try? context.pipeline.syncOperations.handler(type: ConnectionDeadlineHandler.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            deadlines?.headReceived()
            if request.headerFields[.expect]?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        case .body:
            break
        case .end:
            deadlines?.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            deadlines?.answerBegan()
        case .body:
            break
        case .end:
            deadlines?.answerEnded()
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension RequestProgressHandler: Sendable {}
