import ArgumentParser
import LLMRouterServer

/// `serve`'s flags for access keys, client timeouts, the connection cap and the drain deadline.
struct EdgeOptions: ParsableArguments {
    @Option(help: "Access keys file (env LLMROUTER_KEYS_FILE, default config/keys.yaml when it exists).")
    var keysFile: String?

    @Option(help: "Seconds a client may take to send a request head (env LLMROUTER_HEADER_TIMEOUT_SECONDS, default 30).")
    var headerTimeout: Double?

    @Option(help: "Seconds a client may take to send a request body (env LLMROUTER_BODY_TIMEOUT_SECONDS, default 60).")
    var bodyTimeout: Double?

    @Option(help: "Seconds an idle keep-alive connection stays open (env LLMROUTER_IDLE_TIMEOUT_SECONDS, default 75).")
    var idleTimeout: Double?

    @Option(help: "Connections served at once; more wait in the backlog (env LLMROUTER_MAX_CONNECTIONS, default 1024).")
    var maxConnections: Int?

    @Option(help: "Seconds a graceful stop waits for requests in flight (env LLMROUTER_DRAIN_TIMEOUT_SECONDS, default 30).")
    var drainTimeout: Double?
}

extension SettingsReader {
    /// Applies the edge flags, else their variables, to `settings`.
    func apply(_ options: EdgeOptions, to settings: inout ServerSettings) throws(Failure) {
        if let file = options.keysFile ?? value("LLMROUTER_KEYS_FILE") {
            settings.keysFile = file
            settings.keysFileIsExplicit = true
        }
        var limits = settings.connections
        limits.headerTimeout = try duration(options.headerTimeout, flag: "--header-timeout", variable: "LLMROUTER_HEADER_TIMEOUT_SECONDS")
            ?? limits.headerTimeout
        limits.bodyTimeout = try duration(options.bodyTimeout, flag: "--body-timeout", variable: "LLMROUTER_BODY_TIMEOUT_SECONDS")
            ?? limits.bodyTimeout
        limits.idleTimeout = try duration(options.idleTimeout, flag: "--idle-timeout", variable: "LLMROUTER_IDLE_TIMEOUT_SECONDS")
            ?? limits.idleTimeout
        if let count = try number(options.maxConnections.map(Double.init), flag: "--max-connections", variable: "LLMROUTER_MAX_CONNECTIONS") {
            guard count == count.rounded(), count < 1_000_000 else {
                throw Failure(message: "--max-connections / LLMROUTER_MAX_CONNECTIONS must be a whole number below 1000000, got \(count)")
            }
            limits.maxConnections = Int(count)
        }
        settings.connections = limits
        settings.drainTimeout = try duration(options.drainTimeout, flag: "--drain-timeout", variable: "LLMROUTER_DRAIN_TIMEOUT_SECONDS")
            ?? settings.drainTimeout
    }
}
