#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import Logging

extension LoggingSystem {
    /// Sends every logger to standard error at `level`: the one logging setup the executables share.
    /// Call once, from `main`; libraries and tests never bootstrap.
    public static func bootstrapStandardError(level: Logger.Level, redactor: SharedSecretRedactor = .logging) {
        bootstrap { label in StandardErrorLogHandler(label: label, logLevel: level, redactor: redactor) }
    }
}

/// One line per message on standard error, shaped like swift-log's `StreamLogHandler`:
/// `2026-11-22T10:00:00+0000 info llmrouter: key=value [module] message`.
///
/// Unlike `StreamLogHandler`, setting metadata costs nothing until a line is written: the server
/// and AsyncHTTPClient attach a request id to a logger on every request, and most of those
/// loggers never write at the configured level.
///
/// Every line passes through `redactor` before it is written, whoever logged it: AsyncHTTPClient
/// logs upstream request heads (the provider's key among them) at trace.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let redactor: SharedSecretRedactor
    private let output: @Sendable (String) -> Void

    public init(
        label: String,
        logLevel: Logger.Level,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        redactor: SharedSecretRedactor = .logging
    ) {
        self.init(label: label, logLevel: logLevel, metadataProvider: metadataProvider, redactor: redactor, output: Self.writeToStandardError)
    }

    init(
        label: String,
        logLevel: Logger.Level,
        metadataProvider: Logger.MetadataProvider?,
        redactor: SharedSecretRedactor = SharedSecretRedactor(),
        output: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.redactor = redactor
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Self.timestamp()) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(event.source)] \(event.message)\n"
        output(redactor.current.redact(line))
    }

    /// One write per line, so lines from concurrent requests do not interleave.
    private static func writeToStandardError(_ line: String) {
        _ = Array(line.utf8).withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
