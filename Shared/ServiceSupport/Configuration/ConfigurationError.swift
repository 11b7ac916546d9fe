// ConfigurationError: every missing or invalid setting found at start-up, reported together.

/// Thrown when the environment does not describe a runnable service. Lists every problem at once, so an
/// operator fixes all of them in one go. Never contains the value of a secret setting.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One missing or invalid setting.
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        /// The environment variable, e.g. `HTTP_PORT`.
        public var setting: String
        /// What is wrong, phrased to follow the setting's name ("is required but not set").
        public var reason: String

        /// Creates a problem report for one setting.
        public init(setting: String, reason: String) {
            self.setting = setting
            self.reason = reason
        }

        public var description: String { "\(setting) \(reason)" }
    }

    /// The problems, in the order the settings are read.
    public var problems: [Problem]

    /// Creates an error from a non-empty list of problems.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// The settings that have problems, in order.
    public var settings: [String] { problems.map(\.setting) }

    /// One line naming every problem, e.g.
    /// `invalid configuration: DATABASE_URL is required but not set; HTTP_PORT must be …`.
    public var description: String {
        "invalid configuration: " + problems.map(\.description).joined(separator: "; ")
    }
}
