#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterCore
import Logging

/// What a `catalog-build` run does with the providers it could not list (an error, a timeout, a
/// missing key): keep their routes from the previous index, marked stale with the date of their
/// last good listing, or, once that is more than the limit ago, drop them with a warning. A
/// provider never listed before falls back to the seed's documented routes.
public struct StaleProviders: Sendable, Equatable {
    /// Providers whose previous routes are kept, with their last good listing (ISO 8601).
    public var carried: [ProviderKind: String] = [:]
    /// Providers left out because their last good listing is older than the limit, with its date.
    public var dropped: [ProviderKind: String] = [:]
    /// The index the kept routes come from.
    public var previous: ModelIndex?

    public init(carried: [ProviderKind: String] = [:], dropped: [ProviderKind: String] = [:], previous: ModelIndex? = nil) {
        self.carried = carried
        self.dropped = dropped
        self.previous = previous
    }

    /// Decides for each provider in `failed`.
    /// - Parameters:
    ///   - previousPath: the index written by the last run (`--previous`, by default the output); `nil` keeps nothing.
    ///   - maxStaleDays: how long a provider may go unlisted before it is dropped (`--max-stale-days`).
    ///   - now: the time of this run.
    static func plan(
        failed: [ProviderKind], previousPath: String?, maxStaleDays: Int, now: Date, logger: Logger
    ) -> StaleProviders {
        guard !failed.isEmpty, let previousPath else { return StaleProviders() }
        let previous: ModelIndex
        do {
            previous = try ModelIndex.decode(Data(contentsOf: URL(fileURLWithPath: previousPath)), source: previousPath)
        } catch {
            logger.warning("previous index unusable; providers that could not be listed keep no routes", metadata: [
                "path": "\(previousPath)", "error": "\(error)",
            ])
            return StaleProviders()
        }
        var plan = StaleProviders(previous: previous)
        for provider in failed {
            guard let lastListed = previous.lastListing(of: provider) else {
                logger.warning("provider not listed and never listed before; only its documented routes are published", metadata: [
                    "provider": "\(provider.rawValue)",
                ])
                continue
            }
            let age = (try? Date(lastListed, strategy: .iso8601)).map { now.timeIntervalSince($0) / 86_400 }
            guard let age, age <= Double(maxStaleDays) else {
                plan.dropped[provider] = lastListed
                logger.warning("provider dropped: not listed for longer than the limit", metadata: [
                    "provider": "\(provider.rawValue)", "last_listed": "\(lastListed)",
                    "days": "\(age.map { String(Int($0)) } ?? "unknown")", "max_stale_days": "\(maxStaleDays)",
                ])
                continue
            }
            plan.carried[provider] = lastListed
            logger.warning("provider not listed; its routes are kept from the previous index, marked stale", metadata: [
                "provider": "\(provider.rawValue)", "last_listed": "\(lastListed)",
            ])
        }
        return plan
    }
}

extension ModelIndex {
    /// When `provider` was last listed: its `listed_at`, or, for an index older than that field
    /// with routes of the provider that came from a listing, the index's `generated_at`.
    func lastListing(of provider: ProviderKind) -> String? {
        if let date = listedAt[provider.rawValue] { return date }
        let fromListing = models.contains { entry in
            entry.providers[provider.rawValue].map { $0.status != .documented } ?? false
        }
        return fromListing ? generatedAt : nil
    }
}
