public import Hummingbird
public import NIOCore

/// Hummingbird's basic context plus the event loop that serves the client's connection, so an
/// upstream call can run on that loop and hand its answer back without a thread hop.
public struct RouterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let eventLoop: any EventLoop
    /// The client's connection: its closing cancels work done for it.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.eventLoop = source.channel.eventLoop
        self.channel = source.channel
    }
}
