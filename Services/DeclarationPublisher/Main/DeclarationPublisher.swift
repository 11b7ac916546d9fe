// DeclarationPublisher: entry point of `declaration-publisher`, the DDM endpoints the MDM server forwards
// check-ins to, and the outbox delivery to the MDM server. The parts live in DeclarationPublisherService.

import ArgumentParser
import DeclarationPublisherService
import Logging
import ServiceLifecycle
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
            let runner = try ServiceRunner(.declarationPublisher)
            let settings: DeclarationPublisherSettings
            do {
                settings = try DeclarationPublisherSettings(environment: .process)
            } catch {
                runner.logger.critical(
                    "invalid configuration", metadata: ["config.problems": .string(error.description)])
                throw ServiceRunner.configurationErrorExitCode
            }
            var service: DeclarationPublisherService?
            try await runner.serve(
                routes: { router, resources in
                    let built = DeclarationPublisherService(
                        pool: resources.pool, settings: settings, logger: resources.logger)
                    built.addRoutes(to: router)
                    service = built
                },
                services: { _ in service?.services ?? [] })
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
