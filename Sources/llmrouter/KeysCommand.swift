import ArgumentParser
import Foundation
import LLMRouterCore
import LLMRouterConfig

/// `llmrouter keys`: manage the router's access keys.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the access keys clients must send (Authorization: Bearer <key>).",
        subcommands: [AddKeyCommand.self]
    )
}

/// `llmrouter keys add NAME`: makes a key, prints it once, stores only its SHA-256.
struct AddKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an access key: prints the new key once and stores only its SHA-256 in the keys file."
    )

    @Argument(help: "The key's name, shown in logs and the usage log (letters, digits, '-', '_', '.', '@').")
    var name: String

    @Option(help: "Keys file (env LLMROUTER_KEYS_FILE, default config/keys.yaml); created when missing.")
    var file: String?

    @Option(help: "Requests per minute the key may make on /v1/*.")
    var rpm: Int?

    @Option(help: "Prompt + completion tokens the key may use per rolling 24 hours.")
    var tokensPerDay: Int?

    @Option(help: "Comma-separated models the key may use (default: all).")
    var models: String?

    @Flag(help: "The key may also call /admin/* (reload).")
    var admin = false

    func validate() throws {
        if let rpm, rpm <= 0 { throw ValidationError("--rpm must be greater than 0, got \(rpm)") }
        if let tokensPerDay, tokensPerDay <= 0 { throw ValidationError("--tokens-per-day must be greater than 0, got \(tokensPerDay)") }
        if let models, parsedModels(models).isEmpty { throw ValidationError("--models must list at least one model, got '\(models)'") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = file ?? environment["LLMROUTER_KEYS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? AccessKeysLoader.defaultFile
        let limits = AccessKey.Limits(requestsPerMinute: rpm, tokensPerDay: tokensPerDay, allowedModels: models.map(parsedModels))
        let secret: String
        do {
            secret = try AccessKeyFile(path: path).add(name: name, limits: limits, isAdmin: admin)
        } catch {
            FileHandle.standardError.write(Data("llmrouter keys add: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("Added key '\(name)' to \(path). It is shown only now; store it safely:\n".utf8))
        print(secret)
    }

    private func parsedModels(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
