import LLMRouterCore

/// How sure the catalog is that a route works, from weakest to strongest.
///
/// - `documented`: the provider's documentation names the model as free (the seed's
///   `documented:` note); no listing has confirmed it yet.
/// - `listed`: the provider's `/models` listed it as a usable free model.
/// - `verified`: `catalog-build --verify` made a test call and it answered.
public enum RouteStatus: String, Sendable, Equatable, CaseIterable {
    case documented, listed, verified
}

extension ModelIndex {
    /// Where a documented route's facts come from: the seed's `documented: {source, date}`.
    public struct Documentation: Sendable, Equatable {
        /// The page or note the facts were copied from, e.g. `huggingface.co/docs/inference-providers/pricing`.
        public var source: String
        /// When they were read (`YYYY-MM-DD`); `nil` when the file does not say.
        public var date: String?

        public init(source: String, date: String?) {
            self.source = source
            self.date = date
        }
    }

    /// A route kept from an earlier index because its provider could not be listed in this run.
    public struct Staleness: Sendable, Equatable {
        /// When the provider was last listed (ISO 8601, UTC).
        public var lastListed: String

        public init(lastListed: String) {
            self.lastListed = lastListed
        }
    }
}

extension ModelIndex.ProviderMapping {
    /// `verified` once a test call answered, `documented` while only documentation vouches for
    /// it, `listed` otherwise (every route of an index older than the field came from a listing).
    public var status: RouteStatus {
        if verification != nil { return .verified }
        return documentation == nil ? .listed : .documented
    }
}

extension ModelIndex {
    /// Reads `documented`, `stale` and `status` of a mapping. A `status` of `documented` without
    /// its note still counts as documented, so a hand-written index cannot promote a route by
    /// leaving the note out.
    static func decodeEvidence(_ reader: JSONFieldReader, into mapping: inout ProviderMapping) throws(IndexError) {
        if let note = try reader.child("documented") {
            mapping.documentation = Documentation(source: try note.string("source") ?? "unknown", date: try note.string("date"))
        }
        if let stale = try reader.child("stale") {
            mapping.staleness = Staleness(lastListed: try stale.string("last_listed") ?? "unknown")
        }
        if let text = try reader.string("status") {
            guard let status = RouteStatus(rawValue: text) else {
                let known = RouteStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error("status", "must be one of \(known), got \"\(text)\"")
            }
            if status == .documented, mapping.documentation == nil {
                mapping.documentation = Documentation(source: "unknown", date: nil)
            }
        }
    }
}

/// `status` always, `documented` and `stale` when set; encoded into the mapping's own container.
struct RouteEvidenceFile: Encodable {
    var mapping: ModelIndex.ProviderMapping

    enum CodingKeys: String, CodingKey { case status, documented, stale }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mapping.status.rawValue, forKey: .status)
        if let note = mapping.documentation {
            var fields = ["source": note.source]
            if let date = note.date { fields["date"] = date }
            try container.encode(fields, forKey: .documented)
        }
        if let staleness = mapping.staleness {
            try container.encode(["last_listed": staleness.lastListed], forKey: .stale)
        }
    }
}
