#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import LLMRouterCore

/// The address for the commands run beside the server (`llmrouter stats`, `llmrouter keys`):
/// they load no configuration of their own, so they read `database:` from the providers file the
/// server would load, and follow the server's order.
extension DatabaseAddress {
    /// The providers YAML the server loads when no `--config` is given: the file
    /// `LLMROUTER_CONFIG` names, else `config/providers.yaml`.
    public struct ProvidersFile: Sendable, Equatable {
        public static let variable = "LLMROUTER_CONFIG"
        public static let defaultPath = "config/providers.yaml"

        public var path: String
        /// Whether `LLMROUTER_CONFIG` named it (rather than the default path).
        public var isNamed: Bool

        public init(path: String, isNamed: Bool) {
            self.path = path
            self.isNamed = isNamed
        }

        /// The file `environment` names; set but empty counts as unset, as for the server.
        public init(environment: [String: String]) {
            if let path = environment[Self.variable], !path.isEmpty {
                self.init(path: path, isNamed: true)
            } else {
                self.init(path: Self.defaultPath, isNamed: false)
            }
        }

        /// How messages name it: `router.yaml (LLMROUTER_CONFIG)`.
        public var label: String { "\(path) (\(isNamed ? Self.variable : "the default providers file"))" }

        /// `database:` of the file; `nil` when it sets none or does not exist (the server then
        /// serves the catalog, with no file and so no `database:` either).
        /// - Throws: ``ConfigurationError`` naming the file when it cannot be read or is not a
        ///   providers file the server would load.
        public func database() throws(ConfigurationError) -> DatabaseSetting? {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do {
                return try ConfigurationLoader().load(path: path).configuration.database
            } catch {
                var named = error
                named.message += " (\(isNamed ? "named by \(Self.variable)" : "the default providers file"), read for its database:)"
                throw named
            }
        }
    }

    /// The address `explicit`, the variable or else `database:` of `file` names, in the server's
    /// order; `nil` when none does.
    /// - Throws: ``ConfigurationError`` naming the file when it cannot be read, or the file, the
    ///   field and the variable when a `${VAR}` of `database:` is unset or malformed.
    public static func resolve(explicit: Explicit?, environment: [String: String], file: ProvidersFile) throws(ConfigurationError) -> DatabaseAddress? {
        try resolve(explicit: explicit, environment: environment, configured: file.database)
    }

    /// Why ``resolve(explicit:environment:file:)`` found no address, for a command that needs one.
    public static func noneNamed(file: ProvidersFile) -> String {
        let fileState = FileManager.default.fileExists(atPath: file.path) ? "has no database:" : "does not exist"
        return "\(variable) is unset and \(file.label) \(fileState)"
    }
}
