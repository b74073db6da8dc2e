public import NIOCore
import Synchronization

/// A routed stream whose first chunk has already arrived: proof that the provider is answering.
///
/// Failover for streams is allowed until the first byte goes to the client, so the router
/// waits for the first chunk before committing to a provider and sending headers. From then on
/// whoever relays the stream only reads ``next()`` and calls ``abandon()`` when its client
/// leaves: the stream counts its chunks, reads the upstream's `usage` and settles the route
/// (breaker, quota, tokens, the request's record) itself when it ends.
///
/// `@unchecked Sendable`: the iterator is handed once from the task that ran the failover to the
/// task that reads the chunks, and only ever used by one of them at a time; the rest is locked.
public final class PrimedStream: @unchecked Sendable {
    public let first: ByteBuffer
    /// What the upstream's response head said about its limits.
    public let report: UpstreamReport
    /// Where the upstream's chunks carry their usage.
    public let usageLocation: UsageLocation
    private var iterator: ChatEventStream.Iterator
    private let progress: Mutex<Progress>

    private struct Progress {
        var usage: StreamUsage
        var settlement: StreamSettlement?
        var settled = false
        var recording: StreamCacheRecording?
        /// Set when a break may be continued on another route (`routing.stream_failover`).
        var continuation: StreamContinuation?
        var transcript: StreamTranscript?
        /// The continuation's chunks, once another route took over.
        var tail: SplicedTail?
    }

    /// What the relay gets: a chunk, or the news that another route continues the answer (the
    /// chunks that follow come from it, already spliced).
    public enum Event: Sendable {
        case chunk(ByteBuffer)
        case continued(StreamHandover)
    }

    /// Waits for the first chunk of `stream`.
    /// - Throws: whatever the stream throws, or `emptyFailure` when it ends before sending anything.
    public init(_ stream: ChatEventStream, emptyFailure: @autoclosure () -> any Error) async throws {
        var iterator = stream.makeAsyncIterator()
        guard let first = try await iterator.next() else { throw emptyFailure() }
        self.first = first
        self.report = stream.report
        self.usageLocation = stream.usageLocation
        self.iterator = iterator
        var progress = Progress(usage: StreamUsage(location: stream.usageLocation))
        progress.usage.observe(first)
        self.progress = Mutex(progress)
    }

    /// Called by the router once it commits to this stream.
    func attach(_ settlement: StreamSettlement) {
        progress.withLock { $0.settlement = settlement }
    }

    /// Called by the router when a break may be continued on another route: the chunks are
    /// watched from the first on.
    func arm(_ continuation: StreamContinuation) {
        var transcript = StreamTranscript()
        transcript.observe(first)
        progress.withLock { progress in
            progress.continuation = continuation
            progress.transcript = transcript
        }
    }

    /// Called by the router when the answer is to be cached: the chunks are assembled into
    /// one answer, handed to `recording` when the stream ends well (`nil` otherwise).
    func record(into recording: StreamCacheRecording) {
        var recording = recording
        recording.assembler.add(first)
        progress.withLock { $0.recording = recording }
    }

    /// The chunks after the first; `nil` at the end. A failure after the first chunk is thrown
    /// as an ``UpstreamFailure``; the end and a failure settle the route. A continuation on
    /// another route goes on silently: its chunks follow.
    public func next() async throws -> ByteBuffer? {
        while let event = try await nextEvent() {
            if case .chunk(let chunk) = event { return chunk }
        }
        return nil
    }

    /// Like ``next()``, and says where another route took over.
    public func nextEvent() async throws -> Event? {
        if let tail = progress.withLock({ $0.tail }) { return try await tail.nextEvent() }
        let chunk: ByteBuffer?
        do {
            chunk = try await iterator.next()
        } catch {
            if error is CancellationError || Task.isCancelled {
                abandon()
                throw error
            }
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
            guard let handover = try await handOver(after: failure) else { throw failure }
            return .continued(handover)
        }
        guard let chunk else {
            settle { .finished(promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, chunks: $0.chunks) }
            return nil
        }
        let mentionsUsage = StreamUsage.mentionsUsage(chunk)
        progress.withLock { progress in
            progress.usage.observe(chunk, mentionsUsage: mentionsUsage)
            progress.recording?.assembler.add(chunk)
            progress.transcript?.observe(chunk)
        }
        return .chunk(chunk)
    }

    /// A break: continued on another route when armed and the transcript allows it (the
    /// router then settles this route), else settled as failed. `nil` when nobody took over.
    private func handOver(after failure: UpstreamFailure) async throws -> StreamHandover? {
        let taken: (StreamContinuation, StreamBreak, [String: JSONValue], StreamCacheRecording?)? = progress.withLock { progress in
            guard !progress.settled, let continuation = progress.continuation, let transcript = progress.transcript,
                  transcript.allowsContinuation else { return nil }
            progress.settled = true
            let broken = StreamBreak(failure: failure, partialText: transcript.text, chunks: progress.usage.chunks)
            return (continuation, broken, transcript.identity, progress.recording)
        }
        guard let (continuation, broken, identity, recording) = taken else {
            settle { .failed(failure, chunks: $0.chunks) }
            return nil
        }
        // A continued answer is two answers joined: not one to cache.
        recording?.land(nil)
        guard let handover = try await continuation.resume(broken) else { return nil }
        let tail = SplicedTail(handover.stream, splice: StreamSplice(identity: identity, member: handover.member))
        progress.withLock { $0.tail = tail }
        return handover
    }

    /// The client left: the route is settled as abandoned (no breaker failure, quota refunded
    /// as the state decides). Does nothing once the stream has ended.
    public func abandon() {
        progress.withLock { $0.tail }?.stream.abandon()
        settle { .abandoned(chunks: $0.chunks) }
    }

    /// The relay could not use a chunk (a translation found it malformed): the route is settled
    /// as failed, as if the upstream had failed there.
    public func fail(_ failure: UpstreamFailure) {
        progress.withLock { $0.tail }?.stream.fail(failure)
        settle { .failed(failure, chunks: $0.chunks) }
    }

    /// Chunks seen so far, the first included.
    public var chunks: Int {
        let (own, tail) = progress.withLock { ($0.usage.chunks, $0.tail) }
        return own + (tail?.stream.chunks ?? 0)
    }

    private func settle(_ end: (StreamUsage) -> StreamSettlement.End) {
        let ended: (StreamSettlement?, StreamSettlement.End, StreamCacheRecording?)? = progress.withLock { progress in
            guard !progress.settled else { return nil }
            progress.settled = true
            return (progress.settlement, end(progress.usage), progress.recording)
        }
        guard let (settlement, end, recording) = ended else { return }
        // The settlement logs and records, the recording stores: done outside the lock.
        settlement?.settle(end)
        if let recording {
            let finished = if case .finished = end { !recording.assembler.isDamaged } else { false }
            recording.land(finished ? recording.assembler : nil)
        }
    }
}

/// Where a stream's assembled answer goes when it ends: the cache, through the router.
struct StreamCacheRecording: Sendable {
    var assembler = ChatStreamAssembler()
    /// Called once with the chunks assembled, or `nil` when the stream failed or was left.
    let land: @Sendable (ChatStreamAssembler?) -> Void
}
