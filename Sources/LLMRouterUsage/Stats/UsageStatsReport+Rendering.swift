#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UsageStatsReport {
    /// A table for people: one line per group, then the total, then what the free tiers saved.
    public func table() -> String {
        // Spend per group only when paid routes spent something: free traffic keeps its table.
        let spent = total.costUSD > 0
        let headers = [
            grouping == .total ? "" : grouping.rawValue, "requests", "failed", "failover", "p50 ms", "p95 ms",
            "ttft p50", "ttft p95", "tokens in", "tokens out", "cached",
        ] + (spent ? ["spend $"] : [])
        var lines = [headers]
        for row in rows + [total] {
            lines.append([
                row.group, "\(row.requests)", Self.percent(row.failureRate), Self.percent(row.failoverRate),
                Self.millis(row.latencyMs.p50), Self.millis(row.latencyMs.p95),
                Self.millis(row.timeToFirstTokenMs.p50), Self.millis(row.timeToFirstTokenMs.p95),
                "\(row.promptTokens)", "\(row.completionTokens)", Self.percent(row.cacheHitRate),
            ] + (spent ? [Self.dollars(row.costUSD)] : []))
        }
        let widths = headers.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        var text = "since \(Self.timestamp(since)) (until \(Self.timestamp(until)))"
            + (instance.map { "; instance \($0)" } ?? "") + "\n"
        for line in lines {
            let cells = line.enumerated().map { column, cell in
                column == 0 ? cell + String(repeating: " ", count: widths[0] - cell.count) : Self.leftPad(cell, widths[column])
            }
            text += cells.joined(separator: "  ") + "\n"
        }
        text += "failures: \(total.failures); failovers: \(total.failovers); estimated cost at route prices: $\(Self.dollars(total.costUSD))\n"
        text += "cache hits: \(total.cacheHits) (\(Self.percent(total.cacheHitRate)) of requests; "
            + "\(total.exactCacheHits) exact, \(total.semanticCacheHits) semantic): \(total.cacheHits) upstream calls saved\n"
        if total.autoRequests > 0 {
            text += "model auto: \(total.autoRequests) requests sorted into tiers (--by tier splits them); "
                + "cascades: \(total.cascades) requests tried a cheaper model first\n"
        }
        if let price = referencePrice {
            text += "at the reference price ($\(Self.number(price.inputPerMillion)) in, $\(Self.number(price.outputPerMillion)) out per million tokens) "
                + "this traffic would have cost $\(Self.dollars(total.referenceCostUSD(at: price))); "
                + "the free tiers saved $\(Self.dollars(total.savedUSD(at: price)))\n"
        }
        return text
    }

    /// Stable JSON for machines: `since`, `until`, `by`, `total`, `groups`, `instance` when the
    /// report covers one, and, with a reference price, `reference_price` and each row's
    /// `reference_cost_usd` and `saved_usd`.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = JSONReport(
            since: since,
            until: until,
            by: grouping.rawValue,
            instance: instance,
            referencePrice: referencePrice.map { .init(inputPerMillion: $0.inputPerMillion, outputPerMillion: $0.outputPerMillion) },
            total: JSONRow(total, price: referencePrice),
            groups: rows.map { JSONRow($0, price: referencePrice) }
        )
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    private struct JSONReport: Encodable {
        struct Price: Encodable {
            var inputPerMillion: Double
            var outputPerMillion: Double
            enum CodingKeys: String, CodingKey {
                case inputPerMillion = "input_per_million"
                case outputPerMillion = "output_per_million"
            }
        }

        var since: Date
        var until: Date
        var by: String
        var instance: String?
        var referencePrice: Price?
        var total: JSONRow
        var groups: [JSONRow]

        enum CodingKeys: String, CodingKey {
            case since, until, by, instance, total, groups
            case referencePrice = "reference_price"
        }
    }

    private struct JSONRow: Encodable {
        var group: String
        var requests: Int
        var failures: Int
        var failovers: Int
        var failureRate: Double
        var failoverRate: Double
        var latencyP50Ms: Double?
        var latencyP95Ms: Double?
        var ttftP50Ms: Double?
        var ttftP95Ms: Double?
        var promptTokens: Int
        var completionTokens: Int
        var costUSD: Double
        var cacheHits: Int
        var cacheExactHits: Int
        var cacheSemanticHits: Int
        var cacheHitRate: Double
        var autoRequests: Int
        var cascades: Int
        var referenceCostUSD: Double?
        var savedUSD: Double?

        init(_ row: UsageStatsRow, price: ReferencePrice?) {
            group = row.group
            requests = row.requests
            failures = row.failures
            failovers = row.failovers
            failureRate = row.failureRate
            failoverRate = row.failoverRate
            latencyP50Ms = row.latencyMs.p50
            latencyP95Ms = row.latencyMs.p95
            ttftP50Ms = row.timeToFirstTokenMs.p50
            ttftP95Ms = row.timeToFirstTokenMs.p95
            promptTokens = row.promptTokens
            completionTokens = row.completionTokens
            costUSD = row.costUSD
            cacheHits = row.cacheHits
            cacheExactHits = row.exactCacheHits
            cacheSemanticHits = row.semanticCacheHits
            cacheHitRate = row.cacheHitRate
            autoRequests = row.autoRequests
            cascades = row.cascades
            referenceCostUSD = price.map(row.referenceCostUSD(at:))
            savedUSD = price.map(row.savedUSD(at:))
        }

        enum CodingKeys: String, CodingKey {
            case group, requests, failures, failovers
            case failureRate = "failure_rate"
            case failoverRate = "failover_rate"
            case latencyP50Ms = "latency_p50_ms"
            case latencyP95Ms = "latency_p95_ms"
            case ttftP50Ms = "ttft_p50_ms"
            case ttftP95Ms = "ttft_p95_ms"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case costUSD = "cost_usd"
            case cacheHits = "cache_hits"
            case cacheExactHits = "cache_exact_hits"
            case cacheSemanticHits = "cache_semantic_hits"
            case cacheHitRate = "cache_hit_rate"
            case autoRequests = "auto_requests"
            case cascades
            case referenceCostUSD = "reference_cost_usd"
            case savedUSD = "saved_usd"
        }
    }

    private static func percent(_ rate: Double) -> String { number(rate * 100, digits: 1) + "%" }
    private static func millis(_ value: Double?) -> String { value.map { number($0, digits: 1) } ?? "-" }
    private static func dollars(_ value: Double) -> String { number(value, digits: 4) }

    /// `value` with at most `digits` decimals and no trailing zeros after the point.
    static func number(_ value: Double, digits: Int = 4) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    private static func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
