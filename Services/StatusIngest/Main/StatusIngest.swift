// StatusIngest: entry point of `status-ingest`, receives DDM status reports and updates each Mac's state.
// This issue gives it only the common start-up, `/healthz`, `/metrics` and graceful shutdown.

import ArgumentParser
import ServiceSupport

/// `status-ingest`: receives DDM status reports and updates each Mac's state.
@main
struct StatusIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.statusIngest.name,
        abstract: "Managed OS DDM status report ingest.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the status endpoint (the default).")

        func run() async throws {
            try await ServiceRunner(.statusIngest).serve { _, _ in
                // The status route (PUT …/status) arrives with the status issue.
            }
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.statusIngest).migrate()
        }
    }
}
