import LLMRouterCore
import NIOCore
import Synchronization

/// Everything one streamed request produces, in the order its client sees it: the routing
/// outcome, the chunks, how the stream ended — and a keep-alive whenever nothing was produced
/// for a keep-alive interval.
///
/// One loop on the router's clock serves both the wait for the first chunk (a slow upstream,
/// a wait for a rate limit to reset) and the relay after it, and fires only when the stream is
/// idle; tests drive it with a mock clock. Cancelling the session cancels routing, or, once
/// routed, the upstream stream (which then settles as abandoned).
final class StreamSession<AppClock: Clock>: Sendable where AppClock.Duration == Duration {
    enum Event: Sendable {
        case routed(RoutingOutcome<PrimedStream>)
        /// An upstream chunk, the first one included.
        case chunk(ByteBuffer)
        case finished
        /// The upstream failed after the first chunk; the stream has settled the route.
        case failed(UpstreamFailure)
        /// Another route continues the answer (`routing.stream_failover: continue`); its chunks follow.
        case continued(StreamHandover)
        case keepAlive
    }

    private let task: Task<Void, Never>
    private let reader: Reader

    /// Starts routing `operation` and producing its events.
    init(service: RouterService<AppClock>, operation: StreamChat, model: String?, info: RequestInfo) {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let clock = service.router.clock
        let keepAlive = service.settings.streamKeepAlive
        let lastEvent = LastEvent(clock.now)
        let emit: @Sendable (Event) -> Void = { event in
            lastEvent.instant.withLock { $0 = clock.now }
            continuation.yield(event)
        }
        reader = Reader(events.makeAsyncIterator())
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { continuation.finish() }
                    guard let outcome = try? await service.route(operation, model: model, info: info) else { return }
                    emit(.routed(outcome))
                    guard case .answered(let answer) = outcome else { return }
                    await Self.relay(answer.output, emit: emit)
                }
                group.addTask {
                    // Sleeps until the stream has been idle for a whole interval, never per chunk.
                    var due = lastEvent.instant.withLock { $0 }.advanced(by: keepAlive)
                    while true {
                        do { try await clock.sleep(until: due, tolerance: nil) } catch { return }
                        let idleSince = lastEvent.instant.withLock { $0 }
                        if idleSince.advanced(by: keepAlive) <= clock.now {
                            emit(.keepAlive)
                            due = clock.now.advanced(by: keepAlive)
                        } else {
                            due = idleSince.advanced(by: keepAlive)
                        }
                    }
                }
                // The producer ends first (the ticker never does); then the ticker stops.
                await group.next()
                group.cancelAll()
            }
        }
    }

    private static func relay(_ stream: PrimedStream, emit: @Sendable (Event) -> Void) async {
        emit(.chunk(stream.first))
        do {
            while let event = try await stream.nextEvent() {
                switch event {
                case .chunk(let chunk): emit(.chunk(chunk))
                case .continued(let handover): emit(.continued(handover))
                }
            }
            emit(.finished)
        } catch let failure as UpstreamFailure {
            emit(.failed(failure))
        } catch {
            // Cancelled: the stream settled itself as abandoned.
        }
    }

    /// The next event; `nil` once the session ended or was cancelled.
    func next() async -> Event? {
        await reader.next()
    }

    func cancel() {
        task.cancel()
    }

    /// When the session last produced an event, shared by the producer and the keep-alive loop.
    private final class LastEvent: Sendable {
        let instant: Mutex<AppClock.Instant>

        init(_ instant: AppClock.Instant) {
            self.instant = Mutex(instant)
        }
    }

    /// The events' iterator, handed from the request handler to the response body writer and
    /// only ever used by one of them at a time (hence `@unchecked`).
    private final class Reader: @unchecked Sendable {
        private var iterator: AsyncStream<Event>.Iterator

        init(_ iterator: AsyncStream<Event>.Iterator) {
            self.iterator = iterator
        }

        func next() async -> Event? {
            await iterator.next()
        }
    }
}
