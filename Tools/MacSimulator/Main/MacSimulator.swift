// MacSimulator: entry point of `mac-simulator`, which seeds a demo fleet through library-api, behaves like Macs
// behind an MDM server (DDM syncs, status reports, simulated installs) and prints fleet compliance.

import AppleFeedSnapshots
import ArgumentParser
import AsyncHTTPClient
import Foundation
import MacSimulation
import ManagedOSDomain
import NIOCore

/// `mac-simulator seed | run | watch`.
@main
struct MacSimulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mac-simulator",
        abstract: "Simulated Macs for Managed OS: seeds a demo fleet, performs DDM syncs and status reports.",
        subcommands: [Seed.self, Run.self, Watch.self])

    /// Options naming the fleet (the same in `seed` and `run`, so both see the same Macs).
    struct FleetOptions: ParsableArguments {
        @Option(help: "How many Macs.")
        var macs: Int = 2000

        @Option(help: "Enrollment ids are <prefix>00001, <prefix>00002, …")
        var prefix: String = "demo-mac-"

        @Option(help: "Seed of the fleet generator (models, majors, versions, time zones).")
        var seed: UInt64 = 1

        @Option(help: "The instant the fleet is generated for and the Macs' clock starts at (ISO 8601; default now).")
        var now: String?

        func instant() throws -> Date {
            guard let now else { return Date() }
            guard let date = try? Date(now, strategy: .iso8601) else {
                throw ValidationError("--now must be an ISO 8601 instant such as 2026-08-20T12:00:00Z")
            }
            return date
        }

        func generator(blueprintCount: Int = 4) throws -> FleetGenerator {
            FleetGenerator(
                catalog: try AppleFeedSnapshots.defaultCatalog(), now: try instant(), prefix: prefix, seed: seed,
                blueprintCount: blueprintCount)
        }
    }

    /// Options reaching library-api.
    struct AdminOptions: ParsableArguments {
        @Option(help: "library-api's URL, e.g. http://127.0.0.1:8080")
        var apiURL: String

        @Option(help: "An admin token with the write scope (library-api tokens create).")
        var token: String

        func client(_ http: HTTPClient) -> AdminClient {
            AdminClient(
                http: JSONHTTPClient(client: http),
                base: apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL, token: token)
        }
    }

    /// Creates the demo library and registers the fleet.
    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Creates demo items, blueprints and an assignment map, and registers the fleet's Macs.")

        @OptionGroup var fleet: FleetOptions
        @OptionGroup var admin: AdminOptions

        @Option(help: "Registrations in flight.")
        var concurrency: Int = 8

        func run() async throws {
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let seeder = DemoSeeder(
                    admin: admin.client(http), fleet: try fleet.generator(), macCount: fleet.macs,
                    now: try fleet.instant(), concurrency: max(1, concurrency))
                for line in try await seeder.seed() { print(line) }
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }

    /// Simulates the Macs.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Behaves like the fleet's Macs behind an MDM server until stopped (Ctrl-C) or --duration passes.")

        @OptionGroup var fleet: FleetOptions

        @Option(help: "Base URL of the DDM endpoints as NanoMDM's -dm sees them, e.g. http://127.0.0.1:8090/ddm/")
        var ddmURL: String

        @Option(help: "Base URL for PUT status (repeat for several replicas; default: --ddm-url).")
        var statusURL: [String] = []

        @Option(help: "Shared HMAC key: requests carry X-Hmac-Signature (DDM_HMAC_KEY / STATUS_HMAC_KEY).")
        var hmacKey: String?

        @Option(help: "Simulate Macs from this 0-based index of the fleet.")
        var first: Int = 0

        @Option(help: "How many times faster than real time the Macs' clock runs (downloads, installs, users).")
        var speed: Double = 60

        @Option(help: "Seconds between a Mac's DDM syncs (real time).")
        var syncInterval: Double = 30

        @Option(help: "Share of installations that fail, 0 to 1.")
        var failureRate: Double = 0.05

        @Option(help: "Macs handled at once.")
        var concurrency: Int = 16

        @Option(help: "Stop after this many seconds (default: run until stopped).")
        var duration: Double?

        @Option(help: "Every Mac starts on this version (default: the fleet generator's choice).")
        var osVersion: String?

        @Option(help: "The build for --os-version.")
        var build: String?

        @Option(help: "Every Mac is this model (default: the fleet generator's choice).")
        var model: String?

        func validate() throws {
            guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be from 0 to 1") }
            guard speed > 0, syncInterval > 0, concurrency > 0, fleet.macs > 0, first >= 0 else {
                throw ValidationError("--speed, --sync-interval, --concurrency and --macs must be positive")
            }
            if let osVersion, (try? OSVersion(parsing: osVersion)) == nil {
                throw ValidationError("--os-version must be a version such as 15.7.8")
            }
        }

        func run() async throws {
            let catalog = try AppleFeedSnapshots.defaultCatalog()
            let generator = try fleet.generator()
            let members = (first..<(first + fleet.macs)).map { index -> FleetMember in
                var member = generator.member(index)
                if let osVersion, let version = try? OSVersion(parsing: osVersion) {
                    member.osVersion = version
                    member.buildVersion = build ?? SimulatedMac.madeUpBuild(version)
                }
                if let model { member.modelIdentifier = model }
                return member
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            func base(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }
            let ddm = DDMClient(
                http: JSONHTTPClient(client: http, timeout: .seconds(60)), declarationBase: base(ddmURL),
                statusBases: (statusURL.isEmpty ? [ddmURL] : statusURL).map(base),
                hmacKey: hmacKey.map { Data($0.utf8) })
            let scaled = InstallBehaviour(failureRate: failureRate)
            let driver = FleetDriver(
                ddm: ddm, behaviour: scaled, clockStart: try fleet.instant(), speed: speed, syncInterval: syncInterval,
                concurrency: concurrency,
                buildLookup: { version, model in
                    let hardware = MacHardware(modelIdentifier: model)
                    return catalog.updates(version: version).first { catalog.supports($0, hardware: hardware) }?
                        .build?.rawValue
                }, progressInterval: 10)
            await driver.run(members, seed: fleet.seed, duration: duration)
            try await http.shutdown()
        }
    }

    /// Prints the fleet's compliance every few seconds.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints a one-line fleet compliance summary from library-api every few seconds.")

        @OptionGroup var admin: AdminOptions

        @Option(help: "Seconds between lines.")
        var interval: Double = 5

        @Option(help: "Stop after this many lines (default: until stopped).")
        var count: Int?

        func run() async throws {
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            await ComplianceWatcher(admin: admin.client(http), interval: max(1, interval)).run(count: count)
            try await http.shutdown()
        }
    }
}
