#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import NIOCore

// INTERIM (usage-log branch): a minimal emission of one RequestRecord per finished request, so
// the usage log, metrics and dashboard have data before the routing pipeline rewrite lands. That
// pipeline calls `recorder.record(_:)` itself; on merge this file and its call sites in
// ChatService / StreamRelay are replaced by it.

/// What is known of a request when it arrives; completed into a ``RequestRecord`` once it ends.
struct SettlementDraft: Sendable {
    let recorder: any RequestRecorder
    let requestID: String
    let requestedModel: String?
    let stream: Bool
    let startedAt = Date()
    let start = ContinuousClock.now

    /// A complete answer, or a refusal with `status`.
    func settle(
        status: Int,
        errorCode: String? = nil,
        provider: String? = nil,
        upstreamModel: String? = nil,
        attempts: [AttemptRecord],
        body: ByteBuffer? = nil
    ) {
        let latency = ContinuousClock.now - start
        let tokens = body.map(UsageTokens.scan) ?? UsageTokens()
        recorder.record(
            RequestRecord(
                startedAt: startedAt,
                requestID: requestID,
                requestedModel: requestedModel,
                stream: stream,
                provider: provider,
                upstreamModel: upstreamModel,
                attempts: attempts.map(Self.attempt),
                status: status,
                errorCode: errorCode,
                latency: latency,
                upstreamLatency: Self.upstreamTime(attempts),
                timeToFirstToken: status == 200 ? latency : nil,
                promptTokens: tokens.prompt,
                completionTokens: tokens.completion,
                estimatedCostUSD: status == 200 ? 0 : nil
            )
        )
    }

    /// A stream that ended: `firstChunk` is when its first chunk was ready, `relayed` the time
    /// spent copying the rest from the upstream; `lastChunk` may carry the usage.
    func settleStream(
        provider: String,
        upstreamModel: String?,
        attempts: [AttemptRecord],
        firstChunk: ContinuousClock.Instant,
        relayed: Duration,
        errorCode: String?,
        lastChunk: ByteBuffer?
    ) {
        let tokens = lastChunk.map(UsageTokens.scan) ?? UsageTokens()
        recorder.record(
            RequestRecord(
                startedAt: startedAt,
                requestID: requestID,
                requestedModel: requestedModel,
                stream: true,
                provider: provider,
                upstreamModel: upstreamModel,
                attempts: attempts.map(Self.attempt),
                status: 200,
                errorCode: errorCode,
                latency: ContinuousClock.now - start,
                upstreamLatency: (Self.upstreamTime(attempts) ?? .zero) + relayed,
                timeToFirstToken: firstChunk - start,
                promptTokens: tokens.prompt,
                completionTokens: tokens.completion,
                estimatedCostUSD: errorCode == nil ? 0 : nil
            )
        )
    }

    private static func upstreamTime(_ attempts: [AttemptRecord]) -> Duration? {
        let called = attempts.compactMap(\.latency)
        return called.isEmpty ? nil : called.reduce(.zero, +)
    }

    private static func attempt(_ attempt: AttemptRecord) -> RequestRecord.Attempt {
        switch attempt.outcome {
        case .succeeded:
            return .init(provider: attempt.provider, outcome: "ok", latency: attempt.latency)
        case .failed(let failure):
            return .init(provider: attempt.provider, outcome: failure.kind.rawValue, latency: attempt.latency)
        case .skipped(let reason):
            return .init(provider: attempt.provider, outcome: "skipped", skipReason: reason)
        }
    }
}

/// `prompt_tokens` and `completion_tokens` found in an answer's `usage`, by a byte scan (no
/// parse of the whole body on the request path).
struct UsageTokens: Equatable {
    var prompt: Int?
    var completion: Int?

    static func scan(_ buffer: ByteBuffer) -> UsageTokens {
        buffer.withUnsafeReadableBytes { bytes in
            UsageTokens(prompt: number(after: Self.promptKey, in: bytes), completion: number(after: Self.completionKey, in: bytes))
        }
    }

    private static let promptKey = Array(#""prompt_tokens""#.utf8)
    private static let completionKey = Array(#""completion_tokens""#.utf8)

    private static func number(after key: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= key.count else { return nil }
        var index = 0
        while index <= bytes.count - key.count {
            if bytes[index] == key[0], (0..<key.count).allSatisfy({ bytes[index + $0] == key[$0] }) {
                var cursor = index + key.count
                while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
                var value = 0
                var digits = 0
                while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]), digits < 12 {
                    value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            index += 1
        }
        return nil
    }
}
