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
    }

    /// The binds for ``UsageSQL/insertRequests(rows:)``, in ``UsageSQL/requestColumns`` order.
    static func binds(_ record: RequestRecord) -> [SQLiteData] {
        [
            .integer(milliseconds(record.startedAt)),
            .text(record.requestID),
            text(record.keyName),
            text(record.requestedModel),
            .text(record.endpoint),
            flag(record.stream),
            text(record.provider),
            text(record.upstreamModel),
            .text(attemptsJSON(record.attempts)),
            .integer(record.attempts.filter { $0.latency != nil }.count),
            flag(record.failedOver),
            .integer(record.status),
            text(record.errorCode),
            .float(milliseconds(record.latency)),
            real(record.upstreamLatency.map(milliseconds)),
            real(record.timeToFirstToken.map(milliseconds)),
            record.promptTokens.map { .integer($0) } ?? .null,
            record.completionTokens.map { .integer($0) } ?? .null,
            real(record.estimatedCostUSD),
            flag(record.cacheHit),
        ]
    }

    /// The `attempts` column: the same JSON ``Attempt`` decodes, written by hand because the
    /// writer makes one per request and `JSONEncoder` costs several times more.
    static func attemptsJSON(_ attempts: [RequestRecord.Attempt]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, attempt) in attempts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var fields: [(String, [UInt8])] = [
                ("provider", JSONObjectMembers.jsonString(attempt.provider)),
                ("outcome", JSONObjectMembers.jsonString(attempt.outcome)),
            ]
            if let model = attempt.upstreamModel { fields.append(("upstream_model", JSONObjectMembers.jsonString(model))) }
            if let reason = attempt.skipReason { fields.append(("skip_reason", JSONObjectMembers.jsonString(reason))) }
            if let latency = attempt.latency { fields.append(("latency_ms", Array(String(milliseconds(latency)).utf8))) }
            bytes.append(UInt8(ascii: "{"))
            for (position, (key, value)) in fields.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += JSONObjectMembers.jsonString(key)
                bytes.append(UInt8(ascii: ":"))
                bytes += value
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func milliseconds(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A duration in (fractional) milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    private static func text(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
    private static func real(_ value: Double?) -> SQLiteData { value.map { .float($0) } ?? .null }
    private static func flag(_ value: Bool) -> SQLiteData { .integer(value ? 1 : 0) }
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
            cacheHit: row.column("cache_hit")?.integer == 1
        )
    }
}
