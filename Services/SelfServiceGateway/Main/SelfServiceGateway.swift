// SelfServiceGateway: entry point of `self-service-gateway`, the end user's Self Service API.
// This issue gives it only the common start-up, `/healthz`, `/metrics` and graceful shutdown.

import ArgumentParser
import ServiceSupport

/// `self-service-gateway`: the end user's Self Service API.
@main
struct SelfServiceGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.selfServiceGateway.name,
        abstract: "Managed OS Self Service API for end users.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the Self Service API (the default).")

        func run() async throws {
            try await ServiceRunner(.selfServiceGateway).serve { _, _ in
                // The Self Service routes arrive with the Self Service issue.
            }
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.selfServiceGateway).migrate()
        }
    }
}
