#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore
import Yams

/// The address of the database instances share state through: `LLMROUTER_DATABASE_URL`, or
/// else `database:` in the providers YAML. The variable wins, so one deployment can point a
/// shared file at another database. In the file, `${VAR}` is replaced by the variable's value,
/// so the password need not be written there (`postgres://router:${PGPASSWORD}@db/llmrouter`).
/// The server and the commands beside it (`llmrouter stats`, `llmrouter keys`) all go through
/// ``resolve(explicit:environment:configured:)``, so they agree on which database it is.
public struct DatabaseAddress: Sendable {
    public static let variable = "LLMROUTER_DATABASE_URL"

    /// An address given on the command line (`--database-url`): it wins over the variable and the file.
    public struct Explicit: Sendable {
        public var text: String
        /// The option it was given with, named in messages.
        public var option: String

        public init(text: String, option: String) {
            self.text = text
            self.option = option
        }
    }

    /// The address with every `${VAR}` filled in; holds the password, so it is handed to the
    /// address parser and never shown.
    public var text: String
    /// Where it came from, for messages: the option, the variable, or `FILE: database`.
    public var source: String
    /// Set when the variable overrode a `database:` of the file.
    public var overriddenFile: String?

    /// The address the server uses, given the file it loaded; `nil` when neither the variable nor
    /// the file names one.
    /// - Throws: ``ConfigurationError`` naming the file and the variable when a `${VAR}` of the
    ///   file is unset or malformed (never quoting the address).
    public static func resolve(configured: DatabaseSetting?, environment: [String: String]) throws(ConfigurationError) -> DatabaseAddress? {
        try resolve(explicit: nil, environment: environment) { configured }
    }

    /// The one order: `explicit`, else the variable, else `database:` of the file. `configured`
    /// is asked for the file's setting only when the option is absent; with the variable set, a
    /// file that cannot be read just goes unmentioned (the variable is what is used).
    static func resolve(
        explicit: Explicit?, environment: [String: String], configured: () throws(ConfigurationError) -> DatabaseSetting?
    ) throws(ConfigurationError) -> DatabaseAddress? {
        if let explicit {
            return DatabaseAddress(text: explicit.text, source: explicit.option, overriddenFile: nil)
        }
        if let text = environment[variable], !text.isEmpty {
            return DatabaseAddress(text: text, source: variable, overriddenFile: (try? configured())?.file)
        }
        guard let configured = try configured() else { return nil }
        let text = try interpolate(configured.text, environment: environment, file: configured.file)
        return DatabaseAddress(text: text, source: "\(configured.file): database", overriddenFile: nil)
    }

    /// `text` with every `${NAME}` replaced by the variable's value.
    static func interpolate(_ text: String, environment: [String: String], file: String) throws(ConfigurationError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw ConfigurationError(file: file, field: "database", message: "a '${' is not closed by '}' (write ${VARIABLE})")
            }
            let name = String(rest[start.upperBound..<end])
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw ConfigurationError(file: file, field: "database", message: "'${…}' must name an environment variable (letters, digits, _)")
            }
            guard let value = environment[name] else {
                throw ConfigurationError(file: file, field: "database", message: "names ${\(name)}, which is not set")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// `database:` of the file: a string, or nothing (off).
    static func read(_ node: Node?, file: String) throws(ConfigurationError) -> DatabaseSetting? {
        guard let node, !node.isNull else { return nil }
        guard case .scalar = node, let text = node.string?.trimmingWhitespace() else {
            throw ConfigurationError(file: file, field: "database", message: "must be a postgres:// address (a string)")
        }
        return text.isEmpty ? nil : DatabaseSetting(text: text, file: file)
    }
}
