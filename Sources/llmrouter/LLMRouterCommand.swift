import ArgumentParser
import Foundation
import LLMRouterCodeRules
import LLMRouterCore
import LLMRouterServer
import LLMRouterUsage
import Logging

/// `llmrouter`: the router's commands; `serve` runs when none is named, so `llmrouter --port 9000`
/// serves. Started by ``Entry``.
struct LLMRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmrouter",
        abstract: "OpenAI-compatible router over free LLM tiers, with failover, circuit breakers and health stats.",
        subcommands: [ServeCommand.self, KeysCommand.self, StatsCommand.self, CacheCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

/// `llmrouter serve`: serve the OpenAI-compatible router. Flags win over environment variables.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the OpenAI-compatible router (the default command)."
    )

    @Option(help: "Interface to listen on (env LLMROUTER_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env PORT, default 8000).")
    var port: Int?

    @Option(help: "Providers YAML (env LLMROUTER_CONFIG, default config/providers.yaml).")
    var config: String?

    @Option(help: "Model used when a request names none (env LLMROUTER_DEFAULT_MODEL).")
    var defaultModel: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env LLMROUTER_LOG_LEVEL, default info).")
    var logLevel: String?

    @Option(help: "Largest request body in bytes (env LLMROUTER_MAX_BODY_BYTES, default 4194304).")
    var maxBodyBytes: Int?

    @Option(help: "Deadline in seconds for answering one request, failover included (env LLMROUTER_REQUEST_TIMEOUT_SECONDS, default 120).")
    var requestTimeout: Double?

    @OptionGroup var edge: EdgeOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings: ServerSettings
        do {
            let reader = SettingsReader(environment: environment)
            settings = try reader.read(
                host: host, port: port, config: config, defaultModel: defaultModel,
                logLevel: logLevel, maxBodyBytes: maxBodyBytes, requestTimeout: requestTimeout
            )
            try reader.apply(edge, to: &settings)
        } catch {
            throw ValidationError(error.message)
        }
        let level = settings.logLevel
        LoggingSystem.bootstrapStandardError(level: level)
        MetricsBootstrap.bootstrap()
        let logger = Logger(label: "llmrouter")
        do {
            try await RouterServer.run(settings: settings, environment: environment, logger: logger, rules: CodeRules.all)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("llmrouter: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        } catch let error as AccessKeysError {
            FileHandle.standardError.write(Data("llmrouter: access keys error: \(error)\n".utf8))
            throw ExitCode(2)
        } catch let error as UsageStoreError {
            FileHandle.standardError.write(Data("llmrouter: usage log (LLMROUTER_DB): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
