// ServiceLogging: the process-wide logging backend and the one logger each executable uses.

import Logging

/// Bootstraps swift-log once per process and hands out the process's logger.
public enum ServiceLogging {
    /// Runs `LoggingSystem.bootstrap` exactly once (a `static let` initialiser is lazy and thread-safe).
    /// Log lines go to standard error, so standard output stays free for command output.
    private static let bootstrapOnce: Void = {
        LoggingSystem.bootstrap { label in ServiceLogHandler(label: label) }
    }()

    /// Makes ``ServiceLogHandler`` the process's backend (once; later calls do nothing). Benchmarks call it so
    /// they run the services with the logging the executables use.
    public static func bootstrap() {
        _ = bootstrapOnce
    }

    /// The logger of the process: labelled with the executable's name, at `level`.
    public static func makeLogger(service: ServiceDescriptor, level: Logger.Level) -> Logger {
        _ = bootstrapOnce
        var logger = Logger(label: service.name)
        logger.logLevel = level
        return logger
    }
}
