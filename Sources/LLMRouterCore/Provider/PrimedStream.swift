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

    /// Called by the router when the answer is to be cached: the chunks are assembled into
    /// one answer, handed to `recording` when the stream ends well (`nil` otherwise).
    func record(into recording: StreamCacheRecording) {
        var recording = recording
        recording.assembler.add(first)
        progress.withLock { $0.recording = recording }
    }

    /// The chunks after the first; `nil` at the end. A failure after the first chunk is thrown
    /// as an ``UpstreamFailure``; the end and a failure settle the route.
    public func next() async throws -> ByteBuffer? {
        let chunk: ByteBuffer?
        do {
            chunk = try await iterator.next()
        } catch {
            if error is CancellationError || Task.isCancelled {
                abandon()
                throw error
            }
            let failure = (error as? UpstreamFailure) ?? UpstreamFailure(kind: .connection, message: "stream failed: \(type(of: error))")
            settle { .failed(failure, chunks: $0.chunks) }
            throw failure
        }
        guard let chunk else {
            settle { .finished(promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, chunks: $0.chunks) }
            return nil
        }
        let mentionsUsage = StreamUsage.mentionsUsage(chunk)
        progress.withLock { progress in
            progress.usage.observe(chunk, mentionsUsage: mentionsUsage)
            progress.recording?.assembler.add(chunk)
        }
        return chunk
    }

    /// The client left: the route is settled as abandoned (no breaker failure, quota refunded
    /// as the state decides). Does nothing once the stream has ended.
    public func abandon() {
        settle { .abandoned(chunks: $0.chunks) }
    }

    /// The relay could not use a chunk (a translation found it malformed): the route is settled
    /// as failed, as if the upstream had failed there.
    public func fail(_ failure: UpstreamFailure) {
        settle { .failed(failure, chunks: $0.chunks) }
    }

    /// Chunks seen so far, the first included.
    public var chunks: Int { progress.withLock { $0.usage.chunks } }

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
