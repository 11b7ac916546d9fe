// StatusIngest: entry point of `status-ingest`, receives DDM status reports and updates each Mac's state.
// The routes, the batching writer and the retention pruner live in StatusIngestService.

import ArgumentParser
import Logging
import ServiceLifecycle
import ServiceSupport
import StatusIngestService

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
            let runner = try ServiceRunner(.statusIngest)
            let settings: StatusIngestSettings
            do {
                settings = try StatusIngestSettings(environment: .process)
            } catch {
                runner.logger.critical(
                    "invalid configuration", metadata: ["config.problems": .string(error.description)])
                throw ServiceRunner.configurationErrorExitCode
            }
            var service: StatusIngestService?
            try await runner.serve(
                routes: { router, resources in
                    let built = StatusIngestService(pool: resources.pool, settings: settings, logger: resources.logger)
                    built.routes.add(to: router)
                    service = built
                },
                services: { _ in service?.services ?? [] })
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
