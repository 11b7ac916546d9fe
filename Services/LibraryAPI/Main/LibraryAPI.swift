// LibraryAPI: entry point of `library-api`, the admin REST API, and its token commands.

import ArgumentParser
import Database
import LibraryAPIService
import ServiceSupport

/// `library-api`: the admin REST API (items, blueprints, devices, audit log).
@main
struct LibraryAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ServiceDescriptor.libraryAPI.name,
        abstract: "Managed OS admin REST API.",
        subcommands: [Serve.self, Migrate.self, Tokens.self],
        defaultSubcommand: Serve.self)

    /// Serves HTTP until SIGTERM or SIGINT (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the admin API (the default).")

        func run() async throws {
            var service: LibraryAPIService?
            try await ServiceRunner(.libraryAPI).serve(
                routes: { router, resources in
                    let built = try LibraryAPIService(pool: resources.pool, logger: resources.logger)
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
            try await ServiceRunner(.libraryAPI).migrate()
        }
    }

    /// `tokens create` and `tokens revoke`.
    struct Tokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Creates and revokes API tokens.", subcommands: [Create.self, Revoke.self])

        /// Creates a token and prints it once.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Creates an API token and prints it once.")

            @Option(help: "The token's scope: read or write (write includes read).")
            var scope: TokenScope

            @Option(help: "A unique name for the token (recorded in the audit log).")
            var name: String

            func run() async throws {
                let scope = self.scope
                let name = self.name
                let token = try await Tokens.withPool { pool in
                    try await pool.withConnection { try TokenStore.create(name: name, scopes: [scope], on: $0) }
                }
                print(token)
            }
        }

        /// Revokes the active token with a name.
        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revokes an API token by name.")

            @Option(help: "The token's name.")
            var name: String

            func run() async throws {
                let name = self.name
                try await Tokens.withPool { pool in
                    try await pool.withConnection { try TokenStore.revoke(name: name, on: $0) }
                }
                print("revoked \(name)")
            }
        }

        /// Runs `body` with a pool on the configured database and closes it afterwards.
        static func withPool<T: Sendable>(_ body: (ConnectionPool) async throws -> T) async throws -> T {
            let runner = try ServiceRunner(.libraryAPI)
            let pool = ConnectionPool(configuration: runner.configuration.database, logger: runner.logger)
            do {
                let value = try await body(pool)
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }
}
