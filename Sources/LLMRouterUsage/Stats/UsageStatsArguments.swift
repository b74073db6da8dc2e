import LLMRouterCore

/// Reads `llmrouter stats`'s flag values, naming the flag in every error.
public enum UsageStatsArguments {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A period like `90s`, `30m`, `24h`, `7d` or `2w`.
    public static func period(_ text: String, flag: String = "--since") throws(Failure) -> Duration {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let trimmed = text.trimmingWhitespace()
        guard let unit = trimmed.last, let seconds = units[unit], let count = Double(trimmed.dropLast()),
              count > 0, count.isFinite
        else {
            throw Failure(message: "\(flag) must be a number followed by s, m, h, d or w (e.g. 24h, 7d), got '\(text)'")
        }
        return .milliseconds(Int64((count * seconds * 1000).rounded()))
    }

    /// `provider`, `model`, `key`, `endpoint`, `tier` or `instance`.
    public static func grouping(_ text: String, flag: String = "--by") throws(Failure) -> UsageGrouping {
        guard let grouping = UsageGrouping(rawValue: text.lowercased()), grouping != .total else {
            throw Failure(message: "\(flag) must be provider, model, key, endpoint, tier or instance, got '\(text)'")
        }
        return grouping
    }

    /// `IN,OUT`: USD per million input and output tokens, e.g. `0.59,0.79`.
    public static func referencePrice(_ text: String, flag: String = "--reference-price") throws(Failure) -> ReferencePrice {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingWhitespace()) }
        guard parts.count == 2, let input = parts[0], let output = parts[1],
              input >= 0, output >= 0, input.isFinite, output.isFinite
        else {
            throw Failure(message: "\(flag) must be two prices per million tokens, input then output, like 0.59,0.79; got '\(text)'")
        }
        return ReferencePrice(inputPerMillion: input, outputPerMillion: output)
    }
}
