public import Logging

extension LoggingSystem {
    /// Sends every logger to standard error at `level`: the one logging setup the executables share.
    /// Call once, from `main`; libraries and tests never bootstrap.
    public static func bootstrapStandardError(level: Logger.Level) {
        bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
