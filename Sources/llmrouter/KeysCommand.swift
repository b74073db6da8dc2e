import ArgumentParser
import Foundation
import LLMRouterConfig
import LLMRouterCore
import LLMRouterShared
import Logging

/// `llmrouter keys`: manage the router's access keys, in the keys file or the shared table.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the access keys clients must send (Authorization: Bearer <key>).",
        discussion: """
            Keys are kept in the keys file (the default), or with --database (or LLMROUTER_KEYS=postgres) in the \
            table of the PostgreSQL database the server uses (LLMROUTER_DATABASE_URL, else database: of the providers \
            file LLMROUTER_CONFIG names), which every instance on it reads within seconds.
            """,
        subcommands: [AddKeyCommand.self, ListKeysCommand.self, RevokeKeyCommand.self]
    )
}

/// Where the keys are: `--file`, else `--database` or `LLMROUTER_KEYS=postgres`, else the keys file.
struct KeyStorageOptions: ParsableArguments {
    @Option(help: "Keys file (env LLMROUTER_KEYS_FILE, default config/keys.yaml).")
    var file: String?

    @Flag(help: "Use the keys table of the server's database (LLMROUTER_DATABASE_URL or database: of LLMROUTER_CONFIG's file), as LLMROUTER_KEYS=postgres does.")
    var database = false

    enum Place {
        case file(String)
        /// `source` is where the address came from (the variable, or `FILE: database`).
        case table(AccessKeyTable, source: String)

        var description: String {
            switch self {
            case .file(let path): path
            case .table(let table, let source): "the keys table of \(table.url) (from \(source))"
            }
        }
    }

    func validate() throws {
        if file != nil, database { throw ValidationError("--file and --database name two different places; give one") }
    }

    func place(environment: [String: String]) throws -> Place {
        if let file { return .file(file) }
        let storage: AccessKeyStorage
        do {
            storage = database ? .postgres : try AccessKeyStorage.chosen(by: environment)
        } catch {
            throw ValidationError(error.description)
        }
        guard storage == .postgres else {
            return .file(environment["LLMROUTER_KEYS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? AccessKeysLoader.defaultFile)
        }
        // The database the server would use: the variable, else database: of its providers file.
        let providersFile = DatabaseAddress.ProvidersFile(environment: environment)
        do {
            guard let address = try DatabaseAddress.resolve(explicit: nil, environment: environment, file: providersFile) else {
                throw ValidationError("the keys table is in the server's database, but \(DatabaseAddress.noneNamed(file: providersFile))")
            }
            let url = try DatabaseURL(address.text, variable: address.source)
            return .table(AccessKeyTable(url: url, logger: Logger(label: "llmrouter.keys")), source: address.source)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        } catch let error as DatabaseURL.Invalid {
            throw ValidationError(error.description)
        }
    }
}

/// `llmrouter keys add NAME`: makes a key, prints it once, stores only its SHA-256.
struct AddKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an access key: prints the new key once and stores only its SHA-256 (keys file created when missing)."
    )

    @Argument(help: "The key's name, shown in logs and the usage log (letters, digits, '-', '_', '.', '@').")
    var name: String

    @OptionGroup var storage: KeyStorageOptions

    @Option(help: "Requests per minute the key may make on /v1/*.")
    var rpm: Int?

    @Option(help: "Prompt + completion tokens the key may use per rolling 24 hours.")
    var tokensPerDay: Int?

    @Option(help: "US dollars a UTC day the key may spend on paid routes.")
    var usdPerDay: Double?

    @Option(help: "Comma-separated models the key may use (default: all).")
    var models: String?

    @Flag(help: "The key may also call /admin/* (reload).")
    var admin = false

    func validate() throws {
        if !AccessKey.isValidName(name) {
            throw ValidationError("the name must be 1 to 64 letters, digits, '-', '_', '.' or '@', got '\(name)'")
        }
        if let rpm, rpm <= 0 { throw ValidationError("--rpm must be greater than 0, got \(rpm)") }
        if let tokensPerDay, tokensPerDay <= 0 { throw ValidationError("--tokens-per-day must be greater than 0, got \(tokensPerDay)") }
        if let usdPerDay, !(usdPerDay.isFinite && usdPerDay >= 0) { throw ValidationError("--usd-per-day must be a number ≥ 0, got \(usdPerDay)") }
        if let models, parsedModels(models).isEmpty { throw ValidationError("--models must list at least one model, got '\(models)'") }
    }

    func run() async throws {
        let place = try storage.place(environment: ProcessInfo.processInfo.environment)
        let limits = AccessKey.Limits(requestsPerMinute: rpm, tokensPerDay: tokensPerDay, allowedModels: models.map(parsedModels), usdPerDay: usdPerDay)
        let secret: String
        do {
            switch place {
            case .file(let path):
                secret = try AccessKeyFile(path: path).add(name: name, limits: limits, isAdmin: admin)
            case .table(let table, _):
                secret = AccessKeyFile.makeSecret()
                try await table.add(AccessKey(name: name, secret: secret, limits: limits, isAdmin: admin))
            }
        } catch {
            FileHandle.standardError.write(Data("llmrouter keys add: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let reach = if case .table = place { " Every instance on the database accepts it within seconds." } else { "" }
        FileHandle.standardError.write(Data("Added key '\(name)' to \(place.description).\(reach) It is shown only now; store it safely:\n".utf8))
        print(secret)
    }

    private func parsedModels(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
