// ServiceEnvironment: the environment variables a service reads its settings from.

import Foundation

/// A snapshot of environment variables. Tests pass a dictionary; executables use ``process``.
public struct ServiceEnvironment: Sendable {
    /// The raw variables.
    public var variables: [String: String]

    /// Creates an environment from a dictionary of variables.
    public init(_ variables: [String: String]) {
        self.variables = variables
    }

    /// The environment of the running process.
    public static var process: ServiceEnvironment {
        ServiceEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The value of a variable with surrounding whitespace removed; `nil` when unset or blank.
    public subscript(name: String) -> String? {
        guard let raw = variables[name] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
