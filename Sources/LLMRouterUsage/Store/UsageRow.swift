#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import LLMRouterCore
import SQLiteNIO

/// How a ``RequestRecord`` becomes a row of the `requests` table, and back.
public enum UsageRow {
    /// One attempt in the row's `attempts` JSON.
    public struct Attempt: Codable, Sendable, Equatable {
        public var provider: String
        public var upstreamModel: String?
        public var outcome: String
        public var skipReason: String?
        public var latencyMs: Double?

        enum CodingKeys: String, CodingKey {
            case provider, outcome
            case upstreamModel = "upstream_model"
            case skipReason = "skip_reason"
            case latencyMs = "latency_ms"
        }
    }

    /// A stored request as the dashboard lists it.
    public struct Recent: Codable, Sendable, Equatable {
        public var startedAt: Date
        public var requestID: String
        public var keyName: String?
        public var requestedModel: String?
        /// The API called: `chat`, `embeddings`, `messages` or `responses`.
        public var endpoint: String
        public var stream: Bool
        public var provider: String?
        public var upstreamModel: String?
        public var attempts: [Attempt]
        public var status: Int
        public var errorCode: String?
        public var latencyMs: Double
        public var upstreamLatencyMs: Double?
        public var timeToFirstTokenMs: Double?
        public var promptTokens: Int?
        public var completionTokens: Int?
        public var costUSD: Double?
        public var cacheHit: Bool
        /// How the request met the response cache: `hit`, `semantic`, `miss` or `bypass`;
        /// `nil` while the cache was off, or for rows written before the log kept it.
        public var cache: String?
        /// The llmrouter process that wrote the row, when it was named (shared state on).
        public var instance: String?
        /// The tier `model: auto` chose; `nil` when the request named its model.
        public var autoTier: String?
        /// A cascade's path (`a -> b; reason=length`), on both of its steps' rows.
        public var cascade: String?
    }

    /// Appends the binds of `record` for ``UsageSQL/insertRequests(rows:)``, in
    /// ``UsageSQL/columns`` order, to a batch's one list; `instance` names the process writing it.
    package static func appendBinds<Binds: UsageBinds>(of record: RequestRecord, instance: String?, to binds: inout Binds) {
        binds.bindInteger(milliseconds(record.startedAt))
        binds.bindText(record.requestID)
        binds.bind(record.keyName)
        binds.bind(record.requestedModel)
        binds.bindText(record.endpoint)
        binds.bind(record.stream)
        binds.bind(record.provider)
        binds.bind(record.upstreamModel)
        binds.bindText(attemptsJSON(record.attempts))
        binds.bindInteger(record.attempts.count(where: { $0.latency != nil }))
        binds.bind(record.failedOver)
        binds.bindInteger(record.status)
        binds.bind(record.errorCode)
        binds.bindReal(milliseconds(record.latency))
        binds.bind(record.upstreamLatency.map(milliseconds))
        binds.bind(record.timeToFirstToken.map(milliseconds))
        binds.bind(record.promptTokens)
        binds.bind(record.completionTokens)
        binds.bind(record.estimatedCostUSD)
        binds.bind(record.cacheHit)
        binds.bind(record.cache)
        binds.bind(instance)
        binds.bind(record.autoTier)
        binds.bind(record.cascade)
    }

    /// The `attempts` column: the same JSON ``Attempt`` decodes, written by hand into one
    /// buffer because the writer makes one per request (`JSONEncoder`, or a buffer per member,
    /// cost several times more).
    static func attemptsJSON(_ attempts: [RequestRecord.Attempt]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 + 96 * attempts.count)
        bytes.append(UInt8(ascii: "["))
        for attempt in attempts {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            bytes += #"{"provider":"#.utf8
            JSONValue.writeString(attempt.provider, into: &bytes)
            bytes += #","outcome":"#.utf8
            JSONValue.writeString(attempt.outcome, into: &bytes)
            if let model = attempt.upstreamModel {
                bytes += #","upstream_model":"#.utf8
                JSONValue.writeString(model, into: &bytes)
            }
            if let reason = attempt.skipReason {
                bytes += #","skip_reason":"#.utf8
                JSONValue.writeString(reason, into: &bytes)
            }
            if let latency = attempt.latency {
                bytes += #","latency_ms":"#.utf8
                bytes += String(milliseconds(latency)).utf8
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    package static func milliseconds(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A duration in (fractional) milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

}

/// SQLite's binds.
extension [SQLiteData]: UsageBinds {
    package mutating func bindInteger(_ value: Int) { append(.integer(value)) }
    package mutating func bindReal(_ value: Double) { append(.float(value)) }
    package mutating func bindText(_ value: String) { append(.text(value)) }
    package mutating func bindNull() { append(.null) }
}

extension UsageRow.Recent {
    init(_ row: SQLiteRow) {
        let attemptsText = row.column("attempts")?.string ?? "[]"
        self.init(
            startedAt: Date(timeIntervalSince1970: Double(row.column("started_at_ms")?.integer ?? 0) / 1000),
            requestID: row.column("request_id")?.string ?? "",
            keyName: row.column("key_name")?.string,
            requestedModel: row.column("requested_model")?.string,
            endpoint: row.column("endpoint")?.string ?? "chat",
            stream: row.column("stream")?.integer == 1,
            provider: row.column("provider")?.string,
            upstreamModel: row.column("upstream_model")?.string,
            attempts: (try? JSONDecoder().decode([UsageRow.Attempt].self, from: Data(attemptsText.utf8))) ?? [],
            status: row.column("status")?.integer ?? 0,
            errorCode: row.column("error_code")?.string,
            latencyMs: row.column("latency_ms")?.double ?? 0,
            upstreamLatencyMs: row.column("upstream_latency_ms")?.double,
            timeToFirstTokenMs: row.column("ttft_ms")?.double,
            promptTokens: row.column("prompt_tokens")?.integer,
            completionTokens: row.column("completion_tokens")?.integer,
            costUSD: row.column("cost_usd")?.double,
            cacheHit: row.column("cache_hit")?.integer == 1,
            cache: row.column("cache")?.string,
            instance: row.column("instance")?.string,
            autoTier: row.column("auto_tier")?.string,
            cascade: row.column("cascade_path")?.string
        )
    }
}
