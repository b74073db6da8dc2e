#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared
import Logging

/// Reads the access keys the server starts with, from where `LLMROUTER_KEYS` says: the
/// environment's and the keys file's (the default), or the environment's and the shared table's
/// (`postgres`, on the database of `LLMROUTER_DATABASE_URL` or `database:` in the providers YAML).
enum AccessKeysStartup {
    /// The keys to start with and, from the table, how to keep them current.
    struct Loaded: Sendable {
        var keys: AccessKeys
        var storage: AccessKeyStorage
        var environmentKeys: [AccessKey] = []
        /// The table as first read; `nil` when it could not be read (or keys are in the file).
        var tableKeys: [AccessKey]?

        /// With the table: what keeps `store` (the application's) in step with it, for the
        /// shared-state service to feed; `nil` with the keys file.
        func sharing(into store: AccessKeyStore) -> SharedAccessKeys? {
            guard storage == .postgres else { return nil }
            return SharedAccessKeys(store: store, environmentKeys: environmentKeys, tableKeys: tableKeys)
        }
    }

    /// - Parameters:
    ///   - configured: `database:` of the providers file; the variable wins over it.
    ///   - firstReadTimeout: how long startup waits for the table; past it the server starts
    ///     with the environment's keys only (never without access control) and reads the table
    ///     when the database answers.
    static func load(
        settings: ServerSettings, environment: [String: String], configured: DatabaseSetting? = nil, firstReadTimeout: Duration = .seconds(5),
        logger: Logger
    ) async throws -> Loaded {
        let loader = AccessKeysLoader()
        guard try AccessKeyStorage.chosen(by: environment) == .postgres else {
            let keys = try loader.load(environment: environment, file: settings.keysFile, fileIsExplicit: settings.keysFileIsExplicit)
            return Loaded(keys: keys, storage: .file)
        }
        guard let address = try DatabaseAddress.resolve(configured: configured, environment: environment) else {
            throw ConfigurationError(
                file: AccessKeyStorage.variable, message: "postgres keeps the keys in the database of LLMROUTER_DATABASE_URL (or database: in the providers YAML), which is unset"
            )
        }
        if settings.keysFileIsExplicit {
            throw ConfigurationError(
                file: AccessKeyStorage.variable,
                message: "postgres reads the keys from the database, not the keys file \(settings.keysFile) named by --keys-file or LLMROUTER_KEYS_FILE; unset one of them"
            )
        }
        if FileManager.default.fileExists(atPath: settings.keysFile) {
            logger.warning(
                "keys file not read: LLMROUTER_KEYS=postgres keeps the keys in the database",
                metadata: ["llmrouter.keys_file": "\(settings.keysFile)", "llmrouter.hint": "add its keys with `llmrouter keys add --database`"]
            )
        }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(address.text, variable: address.source)
        } catch {
            throw ConfigurationError(file: error.variable, message: error.reason)
        }
        let environmentKeys = try loader.environmentKeys(environment)
        // Should a driver message ever quote the password, the log handler masks it.
        SharedSecretRedactor.logging.replace(with: SharedSecretRedactor.logging.current.adding(url.secrets))
        var tableKeys: [AccessKey]?
        do {
            let keys = try await AccessKeyTable(url: url, timeout: firstReadTimeout, logger: logger).activeKeys()
            tableKeys = keys
            logger.notice("access keys read from the database", metadata: ["llmrouter.database": "\(url)", "llmrouter.keys": "\(keys.count)"])
        } catch {
            logger.warning(
                "access keys table not read: only the keys of LLMROUTER_API_KEYS and LLMROUTER_ADMIN_KEY are accepted until the database answers",
                metadata: ["llmrouter.database": "\(url)", "llmrouter.error": "\(error)"]
            )
        }
        let keys = SharedAccessKeys.compose(environment: environmentKeys, table: tableKeys ?? []).keys
        return Loaded(keys: AccessKeys(keys, required: true), storage: .postgres, environmentKeys: environmentKeys, tableKeys: tableKeys)
    }
}
