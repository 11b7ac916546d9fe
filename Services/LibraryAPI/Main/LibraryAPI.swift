// LibraryAPI: entry point of `library-api`, the admin REST API.
// This issue gives it only the common start-up, `/healthz`, `/metrics` and graceful shutdown.

import ArgumentParser
import ServiceSupport

/// `library-api`: the admin REST API (items, labels, blueprints, devices, catalog approval, audit).
@main
struct LibraryAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.libraryAPI.name,
        abstract: "Managed OS admin REST API.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the admin API (the default).")

        func run() async throws {
            try await ServiceRunner(.libraryAPI).serve { _, _ in
                // The admin routes arrive with the library issue.
            }
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.libraryAPI).migrate()
        }
    }
}
