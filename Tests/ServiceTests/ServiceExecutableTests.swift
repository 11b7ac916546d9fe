// ServiceExecutableTests: each built executable migrates, serves health and metrics, and stops on SIGTERM.

import Database
import Foundation
import ServiceSupport
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the real binaries against a fresh database each. Serialized: on two cores, five services starting
/// at once next to other suites would make the 5-second shutdown check measure the machine, not the code.
@Suite(.serialized, .enabled(if: TestDatabase.isEnabled, "SKIP_DB_TESTS=1"))
struct ServiceExecutableTests {
    static let secret = "never-log-this-secret"

    @Test(arguments: ServiceDescriptor.all)
    func executableMigratesThenServesHealthAndMetricsAndExitsCleanlyOnSIGTERM(
        service: ServiceDescriptor
    )
        async throws
    {
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: service.name)
            let databaseURL = try database.url(withPassword: Self.secret)

            let migrate = try ChildProcess(
                executable: executable, arguments: ["migrate"], environment: environment(databaseURL: databaseURL))
            let migrateStatus = try await migrate.exitStatus(timeout: .seconds(60))
            #expect(migrateStatus == 0, "migrate failed: \(migrate.standardError)")

            let port = try HTTPProbe.freePort()
            let server = try ChildProcess(
                executable: executable,
                environment: environment(databaseURL: databaseURL, port: port))
            let probe = HTTPProbe(port: port)

            let health = try await probe.waitUntilAnswering("/healthz", process: server, timeout: .seconds(30))
            #expect(health.status == 200)
            #expect(health.body == #"{"status":"ok"}"#)
            #expect(health.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(health.header("X-Request-ID")?.isEmpty == false)

            let metrics = try await probe.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.body.contains("# TYPE managed_os_service_info gauge"))
            #expect(metrics.body.contains(#"service="\#(service.name)""#))

            server.send(SIGTERM)
            let started = ContinuousClock.now
            let status = try await server.waitForExit(timeout: .seconds(5))
            let elapsed = ContinuousClock.now - started
            #expect(
                status == 0,
                "exit status \(String(describing: status)) after \(elapsed); stderr:\n\(server.standardError)")
            if status == nil { server.send(SIGKILL) }

            let logs = migrate.standardError + server.standardError
            #expect(!logs.contains(Self.secret), "the database password reached the logs")
            #expect(server.standardError.contains("service stopped"))
        }
    }

    @Test func twoMigrateProcessesAtOnceApplyEachFileOnce() async throws {
        try await FreshDatabase.with { database in
            let environment = environment(databaseURL: database.url)
            let first = try ChildProcess(
                executable: try ServiceBinaries.url(for: ServiceDescriptor.libraryAPI.name), arguments: ["migrate"],
                environment: environment)
            let second = try ChildProcess(
                executable: try ServiceBinaries.url(for: ServiceDescriptor.scheduler.name), arguments: ["migrate"],
                environment: environment)
            #expect(try await first.exitStatus(timeout: .seconds(60)) == 0, "\(first.standardError)")
            #expect(try await second.exitStatus(timeout: .seconds(60)) == 0, "\(second.standardError)")
            let recorded = try database.database.query(
                "SELECT version FROM schema_migrations ORDER BY version")
            let versions = try recorded.rows.map { try $0.decode("version", as: Int.self) }
            #expect(versions == Array(1...versions.count))
            // Both exiting 0 is the proof: a file applied twice fails on its CREATE TABLE or on the
            // schema_migrations primary key, and that process would exit non-zero.
            #expect(versions.count >= 4)
        }
    }

    @Test func serviceRefusesToStartWhenTheSchemaIsBehind() async throws {
        try await FreshDatabase.with { database in
            let server = try ChildProcess(
                executable: try ServiceBinaries.url(for: ServiceDescriptor.statusIngest.name),
                environment: environment(databaseURL: database.url, port: try HTTPProbe.freePort()))

            let status = try await server.exitStatus(timeout: .seconds(30))

            #expect(status != 0)
            let refusal = server.standardError.split(separator: "\n").first { $0.contains("refusing to start") }
            #expect(refusal != nil, "no refusal line; stderr:\n\(server.standardError)")
            #expect(refusal?.contains("status-ingest migrate") == true)
        }
    }

    @Test func unknownPathAnswersJSONErrorWithTheClientsRequestID() async throws {
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: ServiceDescriptor.libraryAPI.name)
            let migrate = try ChildProcess(
                executable: executable, arguments: ["migrate"], environment: environment(databaseURL: database.url))
            #expect(try await migrate.exitStatus(timeout: .seconds(60)) == 0)
            let port = try HTTPProbe.freePort()
            let server = try ChildProcess(
                executable: executable, environment: environment(databaseURL: database.url, port: port))
            let probe = HTTPProbe(port: port)
            _ = try await probe.waitUntilAnswering("/healthz", process: server, timeout: .seconds(30))

            let response = try await probe.get("/no-such-route", headers: ["X-Request-ID": "trace-1234"])

            #expect(response.status == 404)
            #expect(response.header("X-Request-ID") == "trace-1234")
            let body = try JSONDecoder().decode(ErrorResponseBody.self, from: Data(response.body.utf8))
            #expect(body.error.code == "not_found")
            #expect(body.error.fields.isEmpty)
            #expect(body.error.requestId == "trace-1234")

            server.send(SIGINT)
            #expect(try await server.waitForExit(timeout: .seconds(5)) == 0)
            #expect(server.standardError.contains("hb.request.id=trace-1234"))
        }
    }

    @Test func healthzAnswers503WhenTheDatabaseIsGoneAndTheServiceStillStopsCleanly() async throws {
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: ServiceDescriptor.selfServiceGateway.name)
            for _ in 0..<2 {  // the second run finds nothing to do
                let migrate = try ChildProcess(
                    executable: executable, arguments: ["migrate"], environment: environment(databaseURL: database.url))
                #expect(try await migrate.exitStatus(timeout: .seconds(60)) == 0, "\(migrate.standardError)")
            }
            let port = try HTTPProbe.freePort()
            let server = try ChildProcess(
                executable: executable, environment: environment(databaseURL: database.url, port: port))
            let probe = HTTPProbe(port: port)
            #expect(
                try await probe.waitUntilAnswering("/healthz", process: server, timeout: .seconds(30)).status == 200)

            try await database.database.dropAndWait()
            let health = try await probe.get("/healthz")

            #expect(health.status == 503)
            #expect(health.body == #"{"status":"unavailable","checks":{"database":"unreachable"}}"#)
            server.send(SIGTERM)
            #expect(try await server.waitForExit(timeout: .seconds(5)) == 0)
        }
    }

    @Test func bodiesOverTheLimitAreRefusedWith413() async throws {
        try await FreshDatabase.with { database in
            let executable = try ServiceBinaries.url(for: ServiceDescriptor.statusIngest.name)
            let migrate = try ChildProcess(
                executable: executable, arguments: ["migrate"], environment: environment(databaseURL: database.url))
            #expect(try await migrate.exitStatus(timeout: .seconds(60)) == 0)
            let port = try HTTPProbe.freePort()
            let server = try ChildProcess(
                executable: executable, environment: environment(databaseURL: database.url, port: port))
            let probe = HTTPProbe(port: port)
            _ = try await probe.waitUntilAnswering("/healthz", process: server, timeout: .seconds(30))

            let response = try await probe.send(
                "PUT", "/status",
                body: Data(count: RequestBodyLimitMiddleware<ServiceRequestContext>.defaultMaximumBytes + 1))

            #expect(response.status == 413)
            let body = try JSONDecoder().decode(ErrorResponseBody.self, from: Data(response.body.utf8))
            #expect(body.error.code == "content_too_large")
            server.send(SIGTERM)
            #expect(try await server.waitForExit(timeout: .seconds(5)) == 0)
        }
    }

    private func environment(databaseURL: String, port: Int? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["HTTP_HOST"] = "127.0.0.1"
        environment["LOG_LEVEL"] = "info"
        environment["DATABASE_POOL_SIZE"] = "2"
        environment["DDM_ALLOW_UNSIGNED"] = "true"
        environment["STATUS_ALLOW_UNSIGNED"] = "true"
        if let port { environment["HTTP_PORT"] = String(port) } else { environment.removeValue(forKey: "HTTP_PORT") }
        return environment
    }
}

/// Configuration problems stop an executable before it touches the network; needs no database.
@Suite struct ServiceExecutableConfigurationTests {
    @Test func missingDatabaseURLAndInvalidPortAreReportedTogetherInOneMessage() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        environment["HTTP_PORT"] = "eighty"
        environment.removeValue(forKey: "LOG_LEVEL")
        let process = try ChildProcess(
            executable: try ServiceBinaries.url(for: ServiceDescriptor.scheduler.name), environment: environment)

        let status = try await process.exitStatus(timeout: .seconds(10))

        #expect(status == 78)
        let lines = process.standardError.split(separator: "\n").filter { $0.contains("invalid configuration") }
        #expect(lines.count == 1, "stderr:\n\(process.standardError)")
        #expect(lines.first?.contains("DATABASE_URL is required") == true)
        #expect(lines.first?.contains(#"HTTP_PORT must be an integer from 1 to 65535 (got "eighty")"#) == true)
    }

    @Test(arguments: [
        ("declaration-publisher", "DDM_HMAC_KEY", "DDM_ALLOW_UNSIGNED"),
        ("status-ingest", "STATUS_HMAC_KEY", "STATUS_ALLOW_UNSIGNED"),
    ])
    func withoutAnHMACKeyTheDDMServicesRefuseToStartUnlessUnsignedIsAllowedExplicitly(
        service: String, key: String, allowUnsigned: String
    ) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
        environment.removeValue(forKey: key)
        environment.removeValue(forKey: allowUnsigned)
        let refused = try ChildProcess(executable: try ServiceBinaries.url(for: service), environment: environment)
        #expect(try await refused.exitStatus(timeout: .seconds(10)) == 78)
        #expect(refused.standardError.contains("\(key) is not set"), "stderr:\n\(refused.standardError)")

        environment[allowUnsigned] = "maybe"
        let invalid = try ChildProcess(executable: try ServiceBinaries.url(for: service), environment: environment)
        #expect(try await invalid.exitStatus(timeout: .seconds(10)) == 78)
        #expect(invalid.standardError.contains("\(allowUnsigned) must be true or false"))

        environment[allowUnsigned] = "false"
        environment[key] = ""
        let empty = try ChildProcess(executable: try ServiceBinaries.url(for: service), environment: environment)
        #expect(try await empty.exitStatus(timeout: .seconds(10)) == 78)
        // A blank value (an empty key file) counts as unset, so it cannot silently turn checking off.
        #expect(empty.standardError.contains("\(key) is not set"))
    }
}
