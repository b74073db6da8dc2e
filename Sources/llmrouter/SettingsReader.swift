import LLMRouterServer
import LLMRouterUsage
import Logging

/// Turns flags and environment variables into ``ServerSettings``, naming the flag or variable
/// in every error.
struct SettingsReader {
    struct Failure: Error {
        var message: String
    }

    let environment: [String: String]

    func read(
        host: String?, port: Int?, config: String?, defaultModel: String?,
        logLevel: String?, maxBodyBytes: Int?, requestTimeout: Double?
    ) throws(Failure) -> ServerSettings {
        var settings = ServerSettings()
        settings.host = host ?? value("LLMROUTER_HOST") ?? settings.host
        if let port {
            settings.port = try validPort(port, source: "--port")
        } else if let text = value("PORT") {
            guard let number = Int(text) else { throw Failure(message: "PORT must be a port number, got '\(text)'") }
            settings.port = try validPort(number, source: "PORT")
        }
        if let path = config {
            settings.configPath = path
            settings.configPathIsExplicit = true
        } else if let path = value("LLMROUTER_CONFIG") {
            settings.configPath = path
            settings.configPathFromEnvironment = true
        }
        settings.defaultModel = defaultModel ?? value("LLMROUTER_DEFAULT_MODEL")
        if let text = logLevel ?? value("LLMROUTER_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                let source = logLevel == nil ? "LLMROUTER_LOG_LEVEL" : "--log-level"
                throw Failure(message: "\(source) must be one of trace, debug, info, notice, warning, error, critical; got '\(text)'")
            }
            settings.logLevel = level
        }
        if let bytes = try number(maxBodyBytes.map(Double.init), flag: "--max-body-bytes", variable: "LLMROUTER_MAX_BODY_BYTES") {
            settings.maxBodyBytes = Int(bytes)
        }
        settings.requestDeadline = try duration(requestTimeout, flag: "--request-timeout", variable: "LLMROUTER_REQUEST_TIMEOUT_SECONDS")
            ?? settings.requestDeadline
        settings.catalogRefreshInterval = try duration(variable: "LLMROUTER_CATALOG_REFRESH_SECONDS")
        settings.streamKeepAlive = try duration(variable: "LLMROUTER_SSE_KEEPALIVE_SECONDS") ?? settings.streamKeepAlive
        do {
            settings.usageLog = try UsageLogSettings.fromEnvironment(environment)
        } catch {
            throw Failure(message: error.message)
        }
        return settings
    }

    func value(_ variable: String) -> String? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        return text
    }

    private func validPort(_ port: Int, source: String) throws(Failure) -> Int {
        guard (0...65535).contains(port) else { throw Failure(message: "\(source) must be between 0 and 65535, got \(port)") }
        return port
    }

    /// A positive number of seconds from the flag (when given) or the variable.
    func duration(_ flagValue: Double? = nil, flag: String = "", variable: String) throws(Failure) -> Duration? {
        try number(flagValue, flag: flag, variable: variable).map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }

    /// A positive number from the flag (when given) or the variable, naming whichever was wrong.
    func number(_ flagValue: Double?, flag: String, variable: String) throws(Failure) -> Double? {
        if let flagValue {
            guard flagValue > 0 else { throw Failure(message: "\(flag) must be greater than 0, got \(flagValue)") }
            return flagValue
        }
        guard let text = value(variable) else { return nil }
        guard let parsed = Double(text), parsed > 0 else {
            throw Failure(message: "\(variable) must be a number greater than 0, got '\(text)'")
        }
        return parsed
    }
}
