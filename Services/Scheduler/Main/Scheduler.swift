// Scheduler: entry point of `scheduler`, which keeps the catalog current, evaluates every Mac and fires
// time-based transitions. The work lives in SchedulerService.

import ArgumentParser
import Foundation
import Logging
import SchedulerService
import ServiceLifecycle
import ServiceSupport

/// `scheduler`: keeps the catalog current, evaluates every Mac and fires time-based transitions.
@main
struct Scheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.scheduler.name,
        abstract: "Managed OS scheduler: catalog, evaluation and deadlines.",
        subcommands: [Serve.self, Migrate.self, Catalog.self],
        defaultSubcommand: Serve.self)

    /// Reads the scheduler settings or exits 78 naming every invalid one.
    static func settings(_ runner: ServiceRunner) throws -> SchedulerSettings {
        do {
            return try SchedulerSettings(environment: .process)
        } catch {
            runner.logger.critical("invalid configuration", metadata: ["config.problems": .string(error.description)])
            throw ServiceRunner.configurationErrorExitCode
        }
    }

    /// Serves /healthz and /metrics and runs the scheduler (active or standby) until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs the scheduler and serves /healthz and /metrics (the default).")

        func run() async throws {
            let runner = try ServiceRunner(.scheduler)
            let settings = try Scheduler.settings(runner)
            var service: SchedulerService?
            try await runner.serve(
                routes: { _, resources in
                    service = SchedulerService(
                        pool: resources.pool, settings: settings, clock: settings.clock, logger: resources.logger)
                },
                services: { _ in service?.services ?? [] })
        }
    }

    /// Applies pending database migrations and exits.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Applies pending database migrations and exits.")

        func run() async throws {
            try await ServiceRunner(.scheduler).migrate()
        }
    }

    /// `scheduler catalog refresh`: reads every feed now (ignoring the daily limit) and updates the catalog.
    struct Catalog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Catalog maintenance.", subcommands: [Refresh.self])

        struct Refresh: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Reads every configured feed now and updates the catalog; exits 1 when a feed failed.")

            func run() async throws {
                let runner = try ServiceRunner(.scheduler)
                let settings = try Scheduler.settings(runner)
                let report = try await runner.withPool { pool in
                    try await CatalogRefresher(
                        pool: pool, gdmf: settings.gdmfSource, sofa: settings.sofaSource,
                        interval: settings.refreshInterval, logger: runner.logger
                    ).refresh(now: settings.clock.now(), force: true)
                }
                print(
                    "catalog refresh: read \(report.read.joined(separator: ", ")); added \(report.added.count), "
                        + "changed \(report.changed.count), removed \(report.removed.count)")
                for (feed, error) in report.failures.sorted(by: { $0.key < $1.key }) {
                    print("feed \(feed) failed (catalog unchanged by it): \(error)")
                }
                if !report.failures.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
