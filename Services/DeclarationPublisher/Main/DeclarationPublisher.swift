// DeclarationPublisher: entry point of `declaration-publisher`, the DDM endpoints the MDM server forwards check-ins to.
// This issue gives it only the common start-up, `/healthz`, `/metrics` and graceful shutdown.

import ArgumentParser
import ServiceSupport

/// `declaration-publisher`: the DDM endpoints the MDM server forwards check-ins to.
@main
struct DeclarationPublisher: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.declarationPublisher.name,
        abstract: "Managed OS DDM declaration publisher.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the DDM endpoints (the default).")

        func run() async throws {
            try await ServiceRunner(.declarationPublisher).serve { _, _ in
                // The DDM routes (tokens, declaration-items, declaration/…) arrive with the DDM issue.
            }
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.declarationPublisher).migrate()
        }
    }
}
