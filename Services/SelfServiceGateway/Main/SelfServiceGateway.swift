// SelfServiceGateway: entry point of `self-service-gateway`, the end user's Self Service API and page.
// The routes, the page and the request-progress consumer live in SelfServiceGatewayService.

import ArgumentParser
import Logging
import SelfServiceGatewayService
import ServiceLifecycle
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
            let runner = try ServiceRunner(.selfServiceGateway)
            let settings: SelfServiceSettings
            do {
                settings = try SelfServiceSettings(environment: .process)
            } catch {
                runner.logger.critical(
                    "invalid configuration", metadata: ["config.problems": .string(error.description)])
                throw ServiceRunner.configurationErrorExitCode
            }
            var service: SelfServiceGatewayService?
            try await runner.serve(
                routes: { router, resources in
                    let built = SelfServiceGatewayService(
                        pool: resources.pool, settings: settings, logger: resources.logger, now: settings.now)
                    built.add(to: router)
                    service = built
                },
                services: { _ in service?.services ?? [] })
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
