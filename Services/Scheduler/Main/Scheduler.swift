// Scheduler: entry point of `scheduler`, which keeps the catalog current and fires deadlines.
// This issue gives it only the common start-up, `/healthz`, `/metrics` and graceful shutdown.

import ArgumentParser
import ServiceSupport

/// `scheduler`: keeps the catalog current, evaluates every Mac and fires time-based transitions.
@main
struct Scheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.scheduler.name,
        abstract: "Managed OS scheduler: catalog, evaluation and deadlines.",
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs the scheduler and serves /healthz and /metrics (the default).")

        func run() async throws {
            try await ServiceRunner(.scheduler).serve { _, _ in
                // Only operational routes; the workers arrive as services with the scheduling issue.
            }
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.scheduler).migrate()
        }
    }
}
