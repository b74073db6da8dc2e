import LLMRouterCore

/// A seed mapping that was not published, and why; `catalog-build` logs each one.
public struct CatalogDrop: Sendable, Equatable, CustomStringConvertible {
    /// Why a mapping or entry was left out.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case notListed, paid, unusable(String), providerNotListed, noProviderLeft
            case otherKind(listed: String, seeded: String)
            case keptFromPreviousIndex, providerMissing(since: String)
        }

        private let code: Code

        /// The provider's `/models` does not list the upstream id at all.
        public static let notListed = Reason(code: .notListed)
        /// Listed, but paid, and the seed does not set `allow_paid`.
        public static let paid = Reason(code: .paid)
        /// Listed, but the router cannot serve it (inactive, speech, reranker, ...).
        public static func unusable(_ why: String) -> Reason { Reason(code: .unusable(why)) }
        /// Listed as another kind than the seed entry's (an embedding model under a chat entry, or
        /// the reverse): publishing it would send the wrong calls to it.
        public static func otherKind(listed: RouteKind, seeded: RouteKind) -> Reason {
            Reason(code: .otherKind(listed: listed.rawValue, seeded: seeded.rawValue))
        }
        /// The provider was not among those listed for this build (`--providers`).
        public static let providerNotListed = Reason(code: .providerNotListed)
        /// Every provider of the entry was dropped, so the entry is not published.
        public static let noProviderLeft = Reason(code: .noProviderLeft)
        /// The provider could not be listed in this run; its routes of the previous index stand in.
        public static let keptFromPreviousIndex = Reason(code: .keptFromPreviousIndex)
        /// The provider has not been listed since `date`, longer than `--max-stale-days`.
        public static func providerMissing(since date: String) -> Reason { Reason(code: .providerMissing(since: date)) }

        public var description: String {
            switch code {
            case .notListed: "not in the provider's /models listing"
            case .paid: "listed as paid and allow_paid is not set"
            case .unusable(let why): "listed but not usable (\(why))"
            case .otherKind(let listed, let seeded): "listed as kind \(listed), but the seed entry is kind \(seeded)"
            case .providerNotListed: "provider not listed in this build (--providers)"
            case .noProviderLeft: "no provider offers it"
            case .keptFromPreviousIndex: "provider not listed in this run; its routes are kept from the previous index"
            case .providerMissing(let date): "provider not listed since \(date), longer than --max-stale-days"
            }
        }
    }

    public var canonical: String
    /// `nil` when the whole entry was dropped.
    public var provider: ProviderKind?
    public var upstreamModel: String?
    public var reason: Reason

    public init(canonical: String, provider: ProviderKind? = nil, upstreamModel: String? = nil, reason: Reason) {
        self.canonical = canonical
        self.provider = provider
        self.upstreamModel = upstreamModel
        self.reason = reason
    }

    public var description: String {
        guard let provider else { return "'\(canonical)' dropped: \(reason)" }
        return "'\(canonical)' via \(provider.rawValue) ('\(upstreamModel ?? "?")') dropped: \(reason)"
    }
}
