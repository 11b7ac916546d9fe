// ServiceConfigurationTests: reading and validating settings from the environment, without secrets leaking.

import Logging
import ServiceSupport
import Testing

@Suite struct ServiceConfigurationTests {
    static let databaseURL = "postgres://app:hunter2@db.internal:5432/managed_os"

    @Test(arguments: [
        (ServiceDescriptor.libraryAPI, 8080), (.declarationPublisher, 8081), (.statusIngest, 8082),
        (.selfServiceGateway, 8083), (.scheduler, 8084),
    ])
    func unsetSettingsTakeTheirDefaults(service: ServiceDescriptor, port: Int) throws {
        let configuration = try ServiceConfiguration(
            service: service, environment: ServiceEnvironment(["DATABASE_URL": Self.databaseURL]))

        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == port)
        #expect(configuration.logLevel == .info)
        #expect(configuration.databasePoolSize == 8)
    }

    @Test func setSettingsOverrideTheDefaults() throws {
        let configuration = try ServiceConfiguration(
            service: .libraryAPI,
            environment: ServiceEnvironment([
                "DATABASE_URL": Self.databaseURL, "HTTP_HOST": "0.0.0.0", "HTTP_PORT": "9000",
                "LOG_LEVEL": "DEBUG", "DATABASE_POOL_SIZE": "20",
            ]))

        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.httpPort == 9000)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.databasePoolSize == 20)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let environment = ServiceEnvironment([
            "HTTP_PORT": "70000", "LOG_LEVEL": "loud", "DATABASE_POOL_SIZE": "0",
        ])

        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(service: .statusIngest, environment: environment)
        }

        #expect(error?.settings == ["LOG_LEVEL", "HTTP_PORT", "DATABASE_POOL_SIZE", "DATABASE_URL"])
        #expect(error?.description.hasPrefix("invalid configuration: LOG_LEVEL must be one of trace, debug") == true)
    }

    @Test func blankValuesCountAsUnset() {
        #expect(
            throws: ConfigurationError(problems: [.init(setting: "DATABASE_URL", reason: "is required but not set")])
        ) {
            try ServiceConfiguration(service: .scheduler, environment: ServiceEnvironment(["DATABASE_URL": "  "]))
        }
    }

    @Test func invalidDatabaseURLIsReportedWithoutEchoingIt() {
        let secretish = "postgres://app:hunter2@db/x?no_such_option=1"
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(service: .libraryAPI, environment: ServiceEnvironment(["DATABASE_URL": secretish]))
        }

        #expect(error?.description.contains("DATABASE_URL is not a valid") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func passwordsNeverAppearInDescriptionsOrLogMetadata() throws {
        let configuration = try ServiceConfiguration(
            service: .libraryAPI, environment: ServiceEnvironment(["DATABASE_URL": Self.databaseURL]))
        var dumped = ""
        dump(configuration, to: &dumped)

        #expect(configuration.redactedDatabaseURL == "postgres://app:redacted@db.internal:5432/managed_os")
        for text in [configuration.description, dumped, "\(configuration.logMetadata)"] {
            #expect(!text.contains("hunter2"))
        }
    }

    @Test(arguments: [
        ("host=db user=app password=hunter2 dbname=x", "host=db user=app password=redacted dbname=x"),
        ("host=db password = 'hun ter\\'2' dbname=x", "host=db password=redacted dbname=x"),
        ("postgresql://db/x?user=app&password=hunter2", "postgresql://db/x?user=app&password=redacted"),
        ("postgres://db/x", "postgres://db/x"),
        ("host=db password='unterminated", "<unparseable>"),
    ])
    func redactionRemovesPasswordsFromURLsAndConninfo(input: String, expected: String) {
        #expect(ServiceConfiguration.redact(databaseURL: input) == expected)
    }
}
