// EndToEndTests: the five real executables against one fresh database, driven only over HTTP as an admin, a
// Mac behind an MDM server (DDM check-ins and status reports) and its Self Service app would drive them.

import Foundation
import ServiceSupport
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialized: five services plus a migration on two cores.
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct EndToEndTests {
    /// The bundled Apple catalog snapshot is current at this instant (15.7.9 is macOS 15's latest).
    static let now = "2026-08-10T12:00:00Z"
    static let enrollmentID = "e2e-mac-15"

    @Test func macOS15MacIsDeclaredTheLatestUpdateInstallsItAndBecomesCompliant() async throws {
        try await FreshDatabase.with { database in
            let product = try await Product.start(databaseURL: database.url, schedulerNow: Self.now)
            defer { product.stop() }
            let admin = product.admin

            // An admin: a blueprint, a macOS 15 item (automatic, one week) assigned to it, and a Mac on it.
            let blueprint = try await admin.json("POST", "/v1/blueprints", ["name": "E2E fleet"], expect: 201)
            let blueprintID = try #require(
                blueprint["id"] as? String ?? (blueprint["blueprint"] as? [String: Any])?["id"] as? String)
            let created = try await admin.json(
                "POST", "/v1/library-items",
                [
                    "label": "macOS 15", "major": 15, "installationMethod": "continuous",
                    "versionEnforcement": ["mode": "automatic", "timeframe": "oneWeek"],
                    "enforcementTime": "09:00", "enforcementTimeZone": "Europe/Paris",
                ], expect: 201)
            let itemID = try #require((created["item"] as? [String: Any])?["id"] as? String)
            let assigned = try await admin.json(
                "PUT", "/v1/blueprints/\(blueprintID)/items/\(itemID)", nil, expect: 200)
            #expect(
                (assigned["itemIds"] as? [String] ?? (assigned["blueprint"] as? [String: Any])?["itemIds"] as? [String])
                    == [itemID])
            let registered = try await admin.json(
                "POST", "/v1/devices",
                [
                    "enrollmentId": Self.enrollmentID, "serialNumber": "C02E2E000001", "modelIdentifier": "Mac14,2",
                    "blueprintId": blueprintID, "timeZone": "Europe/Paris",
                ], expect: 201)
            let credential = try #require(registered["selfServiceCredential"] as? String)

            // The Mac reports macOS 15.7.8 through the MDM server's forwarding.
            try await product.report(version: "15.7.8", build: "24G222")

            // The scheduler plans; the Mac's next DDM sync carries a 15.7.9 enforcement.
            let enforcement = try await product.waitForEnforcement(timeout: .seconds(90))
            #expect(enforcement["TargetOSVersion"] as? String == "15.7.9")
            let localDeadline = try #require(enforcement["TargetLocalDateTime"] as? String)
            #expect(localDeadline.hasSuffix("T09:00:00"), "deadline at the item's enforcement time: \(localDeadline)")

            // library-api shows the Mac pending with that target; Self Service shows the same update.
            let pending = try await product.complianceRow(waitingFor: "pending", timeout: .seconds(30))
            #expect(pending["targetVersion"] as? String == "15.7.9")
            #expect(pending["osVersion"] as? String == "15.7.8")
            let updates = try await product.gateway.json(
                "GET", "/v1/me/updates", nil, expect: 200, headers: ["Authorization": "Bearer \(credential)"])
            let osUpdate = (updates["updates"] as? [[String: Any]])?.first { $0["kind"] as? String == "os" }
            #expect(osUpdate?["targetVersion"] as? String == "15.7.9")

            // The Mac installs 15.7.9 and reports it: compliant, and the enforcement is withdrawn.
            try await product.report(version: "15.7.9", build: "24G231")
            let compliant = try await product.complianceRow(waitingFor: "compliant", timeout: .seconds(90))
            #expect(compliant["osVersion"] as? String == "15.7.9")
            let manifest = try await product.manifestConfigurationIdentifiers()
            #expect(!manifest.contains(Product.enforcementIdentifier), "the enforcement is still declared: \(manifest)")
        }
    }
}

// MARK: - The running product

extension EndToEndTests {
    /// The five services started as processes on free ports, with an admin token.
    final class Product: @unchecked Sendable {
        static let enforcementIdentifier = "com.managedos.enforcement.os"

        /// The running process of each service (replaced by `restart`).
        private(set) var processes: [ChildProcess]
        let admin: Client
        let publisher: Client
        let statusIngest: Client
        let gateway: Client
        let libraryAPI: Client
        /// What each service was started with, to start it again.
        private let launches: [String: (executable: URL, environment: [String: String], port: Int)]
        /// The environment every process gets (database, log level).
        let baseEnvironment: [String: String]
        /// The admin token.
        let token: String

        private init(
            processes: [ChildProcess], clients: [String: Client],
            launches: [String: (executable: URL, environment: [String: String], port: Int)],
            baseEnvironment: [String: String], token: String
        ) {
            self.processes = processes
            libraryAPI = clients[ServiceDescriptor.libraryAPI.name]!
            admin = libraryAPI
            publisher = clients[ServiceDescriptor.declarationPublisher.name]!
            statusIngest = clients[ServiceDescriptor.statusIngest.name]!
            gateway = clients[ServiceDescriptor.selfServiceGateway.name]!
            self.launches = launches
            self.baseEnvironment = baseEnvironment
            self.token = token
        }

        /// Starts the five services; `environment` adds settings for some of them (by executable name).
        static func start(
            databaseURL: String, schedulerNow: String, environment extra: [String: [String: String]] = [:]
        ) async throws -> Product {
            var base = ProcessInfo.processInfo.environment
            base["DATABASE_URL"] = databaseURL
            base["LOG_LEVEL"] = "info"
            base["DATABASE_POOL_SIZE"] = "4"
            // The test drives the DDM and status routes as an unsigned MDM server would.
            base["DDM_ALLOW_UNSIGNED"] = "true"
            base["STATUS_ALLOW_UNSIGNED"] = "true"
            let libraryAPI = try ServiceBinaries.url(for: ServiceDescriptor.libraryAPI.name)

            let migrate = try ChildProcess(executable: libraryAPI, arguments: ["migrate"], environment: base)
            let migrated = try await migrate.exitStatus(timeout: .seconds(120))
            guard migrated == 0 else { throw TestSetupError("migrate exited \(migrated): \(migrate.standardError)") }
            let tokens = try ChildProcess(
                executable: libraryAPI, arguments: ["tokens", "create", "--scope", "write", "--name", "e2e-admin"],
                environment: base)
            let created = try await tokens.exitStatus(timeout: .seconds(60))
            let token = tokens.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            guard created == 0, !token.isEmpty else {
                throw TestSetupError("tokens create exited \(created): \(tokens.standardError)")
            }

            var processes: [ChildProcess] = []
            var clients: [String: Client] = [:]
            var launches: [String: (executable: URL, environment: [String: String], port: Int)] = [:]
            do {
                for descriptor in ServiceDescriptor.all {
                    var environment = base
                    let port = try HTTPProbe.freePort()
                    environment["HTTP_PORT"] = String(port)
                    if descriptor == .scheduler {
                        environment["SCHEDULER_NOW"] = schedulerNow
                        environment["SCHEDULER_TICK_SECONDS"] = "1"
                    }
                    if descriptor == .selfServiceGateway {
                        // The tests poll a Mac's Self Service API every 250 ms, above the default 30 a minute.
                        environment["SELF_SERVICE_RATE_LIMIT_PER_MINUTE"] = "100000"
                        // Offers and days remaining at the scheduler's instant (the snapshot's releases expire).
                        environment["SELF_SERVICE_NOW"] = schedulerNow
                    }
                    environment.merge(extra[descriptor.name] ?? [:]) { $1 }
                    let executable = try ServiceBinaries.url(for: descriptor.name)
                    launches[descriptor.name] = (executable, environment, port)
                    let process = try await launch(descriptor.name, executable, environment, port: port)
                    processes.append(process)
                    clients[descriptor.name] = Client(
                        probe: HTTPProbe(port: port), process: process,
                        headers: descriptor == .libraryAPI ? ["Authorization": "Bearer \(token)"] : [:])
                }
            } catch {
                for process in processes { process.send(SIGKILL) }
                throw error
            }
            return Product(
                processes: processes, clients: clients, launches: launches, baseEnvironment: base, token: token)
        }

        /// Starts one service and waits until its `/healthz` answers 200.
        private static func launch(
            _ name: String, _ executable: URL, _ environment: [String: String], port: Int
        )
            async throws -> ChildProcess
        {
            let process = try ChildProcess(executable: executable, environment: environment)
            let health = try await HTTPProbe(port: port).waitUntilAnswering(
                "/healthz", process: process, timeout: .seconds(60))
            guard health.status == 200 else {
                process.send(SIGKILL)
                throw TestSetupError("\(name) /healthz answered \(health.status): \(health.body)")
            }
            return process
        }

        /// Kills a service with SIGKILL (no graceful shutdown) and waits until it is gone.
        func killAbruptly(_ descriptor: ServiceDescriptor) async throws {
            let process = try #require(processes.first { $0.name == descriptor.name })
            process.send(SIGKILL)
            guard try await process.waitForExit(timeout: .seconds(30)) != nil else {
                throw TestSetupError("\(descriptor.name) survived SIGKILL")
            }
        }

        /// Starts a killed service again on its port, with its environment.
        func restart(_ descriptor: ServiceDescriptor) async throws {
            let launch = try #require(launches[descriptor.name])
            let process = try await Self.launch(
                descriptor.name, launch.executable, launch.environment, port: launch.port)
            processes.removeAll { $0.name == descriptor.name && !$0.isRunning }
            processes.append(process)
        }

        /// Each service's HTTP port, by executable name.
        var ports: [String: Int] { launches.mapValues(\.port) }

        func stop() {
            for process in processes { process.send(SIGTERM) }
        }

        /// Everything the services logged, for failure messages.
        var logs: String {
            processes.map { "--- \($0.name)\n\($0.standardError.suffix(4000))" }.joined(separator: "\n")
        }

        /// A full DDM status report as NanoMDM forwards it (`PUT <dm base>/status`).
        func report(
            version: String, build: String, enrollmentID: String = EndToEndTests.enrollmentID,
            model: String = "Mac14,2",
            extraItems: [String: Any] = [:]
        ) async throws {
            let report: [String: Any] = [
                "StatusItems": [
                    "device": [
                        "operating-system": ["version": version, "build-version": build],
                        "model": ["identifier": model],
                    ]
                ].merging(extraItems) { $1 },
                "Errors": [],
                "FullReport": true,
            ]
            let response = try await statusIngest.probe.send(
                "PUT", "/status",
                headers: ["X-Enrollment-ID": enrollmentID, "Content-Type": "application/json"],
                body: try JSONSerialization.data(withJSONObject: report))
            #expect(response.status == 200, "status report \(version): \(response.status) \(response.body)")
        }

        /// A Mac's DDM sync (tokens, declaration-items) → the identifiers of its configurations.
        func manifestConfigurationIdentifiers(
            enrollmentID: String = EndToEndTests.enrollmentID
        ) async throws
            -> [String]
        {
            let headers = ["X-Enrollment-ID": enrollmentID]
            // The set may change between the two requests (the scheduler is working); a Mac then syncs
            // again, and so does this: the pair must agree within a few attempts.
            var manifest: [String: Any] = [:]
            for attempt in 1...10 {
                let tokens = try await publisher.probe.get("/tokens", headers: headers)
                #expect(tokens.status == 200, "tokens: \(tokens.body)")
                let syncTokens = try Client.object(tokens.body)["SyncTokens"] as? [String: Any]
                let token = try #require(syncTokens?["DeclarationsToken"] as? String, "tokens: \(tokens.body)")
                let items = try await publisher.probe.get("/declaration-items", headers: headers)
                #expect(items.status == 200, "declaration-items: \(items.body)")
                manifest = try Client.object(items.body)
                if manifest["DeclarationsToken"] as? String == token { break }
                #expect(attempt < 10, "tokens and manifest disagree on every attempt")
                try await Task.sleep(for: .milliseconds(200))
            }
            let declarations = manifest["Declarations"] as? [String: Any]
            let configurations = declarations?["Configurations"] as? [[String: Any]] ?? []
            return configurations.compactMap { $0["Identifier"] as? String }
        }

        /// Syncs until the manifest lists the OS enforcement, then fetches it and returns its payload.
        func waitForEnforcement(
            timeout: Duration, enrollmentID: String = EndToEndTests.enrollmentID
        ) async throws
            -> [String: Any]
        {
            let deadline = ContinuousClock.now + timeout
            while try await !manifestConfigurationIdentifiers(enrollmentID: enrollmentID).contains(
                Self.enforcementIdentifier)
            {
                guard ContinuousClock.now < deadline else {
                    throw TestSetupError("no enforcement was declared within \(timeout)\n\(logs)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            let response = try await publisher.probe.get(
                "/declaration/configuration/\(Self.enforcementIdentifier)",
                headers: ["X-Enrollment-ID": enrollmentID])
            #expect(response.status == 200, "declaration: \(response.body)")
            let declaration = try Client.object(response.body)
            #expect(declaration["Type"] as? String == "com.apple.configuration.softwareupdate.enforcement.specific")
            return try #require(declaration["Payload"] as? [String: Any], "declaration: \(response.body)")
        }

        /// The Mac's row in `GET /v1/compliance/macs` once its state is `state`.
        func complianceRow(
            waitingFor state: String, timeout: Duration, enrollmentID: String = EndToEndTests.enrollmentID
        ) async throws -> [String: Any] {
            let deadline = ContinuousClock.now + timeout
            var last: [String: Any]?
            while ContinuousClock.now < deadline {
                let page = try await admin.json("GET", "/v1/compliance/macs", nil, expect: 200)
                last = (page["items"] as? [[String: Any]])?.first {
                    $0["enrollmentId"] as? String == enrollmentID
                }
                if let last, last["state"] as? String == state { return last }
                try await Task.sleep(for: .milliseconds(250))
            }
            throw TestSetupError(
                "\(enrollmentID) did not become \(state) within \(timeout); last row \(String(describing: last))\n\(logs)"
            )
        }
    }

    /// One service's HTTP endpoint.
    struct Client: Sendable {
        let probe: HTTPProbe
        let process: ChildProcess
        let headers: [String: String]

        /// Sends JSON (or nothing) and returns the JSON object answered; records an issue on another status.
        func json(
            _ method: String, _ path: String, _ body: [String: Any]?, expect status: Int,
            headers extra: [String: String] = [:]
        ) async throws -> [String: Any] {
            var headers = self.headers.merging(extra) { $1 }
            if body != nil { headers["Content-Type"] = "application/json" }
            let response = try await probe.send(
                method, path, headers: headers, body: try body.map { try JSONSerialization.data(withJSONObject: $0) })
            #expect(response.status == status, "\(method) \(path): \(response.status) \(response.body)")
            return try Self.object(response.body)
        }

        static func object(_ text: String) throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw TestSetupError("not a JSON object: \(text)")
            }
            return object
        }
    }
}
