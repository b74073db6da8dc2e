public import Hummingbird
import Logging
public import LLMRouterCore
public import NIOCore

/// Hummingbird's basic context plus the event loop that serves the client's connection, so an
/// upstream call can run on that loop and hand its answer back without a thread hop.
public struct RouterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let eventLoop: any EventLoop
    /// The client's connection: its closing cancels work done for it.
    public let channel: any Channel
    /// The request's id: the client's `X-Request-Id` when it is sane, else one made here. The
    /// response's `X-Request-Id`, every log line's `hb.request.id` and the usage log carry it.
    public var requestID: String
    /// The access key that authenticated the request; `nil` when access keys are off.
    public var accessKey: AccessKey?

    /// The name of ``accessKey``, for logs and the usage log.
    public var apiKeyName: String? { accessKey?.name }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.eventLoop = source.channel.eventLoop
        self.channel = source.channel
        self.requestID = source.logger[metadataKey: RequestIDMiddleware.metadataKey]?.description ?? ""
        self.accessKey = nil
    }
}
