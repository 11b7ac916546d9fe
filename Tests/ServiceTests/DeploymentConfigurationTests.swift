// DeploymentConfigurationTests: docker-compose.yml and deploy/nginx/nginx.conf agree with the code — compose
// accepts the file, every service runs a real subcommand with variables the executables read, and the proxy
// sends each path family to the service that serves it. No Docker engine is needed.

import Foundation
import ServiceSupport
import Testing
import Yams

/// Checks the deployment files against the built executables and the settings code, so they cannot drift.
@Suite struct DeploymentConfigurationTests {
    /// The package root (three folders up from this file).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder under `Services/` of each executable (its settings code lives there).
    static let serviceFolders = [
        ServiceDescriptor.libraryAPI.name: "LibraryAPI",
        ServiceDescriptor.scheduler.name: "Scheduler",
        ServiceDescriptor.declarationPublisher.name: "DeclarationPublisher",
        ServiceDescriptor.statusIngest.name: "StatusIngest",
        ServiceDescriptor.selfServiceGateway.name: "SelfServiceGateway",
    ]

    // MARK: docker-compose accepts the file

    @Test func dockerComposeAcceptsTheFileAndListsEveryService() async throws {
        let composeFile = Self.root.appendingPathComponent("docker-compose.yml").path
        let check = try await Self.runDockerCompose(["-f", composeFile, "config", "-q"])
        #expect(check.status == 0, "docker-compose config refused docker-compose.yml:\n\(check.errors)")

        let listed = try await Self.runDockerCompose(["-f", composeFile, "config", "--services"])
        #expect(listed.status == 0, "\(listed.errors)")
        let services = Set(listed.output.split(separator: "\n").map(String.init))
        let expected = Set(ServiceDescriptor.all.map(\.name) + ["postgres", "migrate", "proxy"])
        #expect(services == expected)
    }

    // MARK: commands, ports and variables match the executables

    @Test func everyServiceRunsARealSubcommandOfAManagedOSExecutable() async throws {
        let services = try Self.managedOSServices()
        // Every executable has a service of its own, and the migration runs once.
        #expect(Set(services.values.compactMap { $0.command.first }) == Set(ServiceDescriptor.all.map(\.name)))
        #expect(services["migrate"]?.command.dropFirst().first == "migrate")
        for descriptor in ServiceDescriptor.all {
            #expect(
                services[descriptor.name]?.command == [descriptor.name, "serve"],
                "compose service \(descriptor.name) should run `\(descriptor.name) serve`")
        }
        for (name, service) in services.sorted(by: { $0.key < $1.key }) {
            let arguments = service.command
            guard let executableName = arguments.first,
                let descriptor = ServiceDescriptor.all.first(where: { $0.name == executableName })
            else {
                Issue.record("compose service \(name): command \(arguments) does not start a Managed OS executable")
                continue
            }
            let executable = try ServiceBinaries.url(for: descriptor.name)
            // Walk the subcommand path (`scheduler catalog refresh`) until the first option.
            var path: [String] = []
            for argument in arguments.dropFirst() where !argument.hasPrefix("-") {
                let known = try await Self.subcommands(of: executable, path: path)
                #expect(
                    known.contains(argument),
                    "compose service \(name): `\(argument)` is not a subcommand of `\(([executableName] + path).joined(separator: " "))` (it has \(known.sorted()))"
                )
                path.append(argument)
            }
            #expect(!path.isEmpty, "compose service \(name) should name its subcommand (serve, migrate, …)")
        }
    }

    @Test func everyEnvironmentVariableInComposeIsOneTheExecutablesRead() throws {
        let services = try Self.managedOSServices()
        let fileVariablesSupported = try Self.imageTurnsFileVariablesIntoValues()
        for (name, service) in services.sorted(by: { $0.key < $1.key }) {
            guard let executable = service.command.first, let folder = Self.serviceFolders[executable] else {
                Issue.record("compose service \(name) does not start a known executable")
                continue
            }
            let read = try Self.variablesRead(byServiceFolder: folder)
            for variable in service.environment.keys.sorted() {
                if read.contains(variable) { continue }
                if variable.hasSuffix("_FILE"), read.contains(String(variable.dropLast("_FILE".count))) {
                    #expect(
                        fileVariablesSupported,
                        "compose service \(name) sets \(variable), but the image's entry point does not read *_FILE")
                    continue
                }
                Issue.record(
                    "compose service \(name) sets \(variable), which \(executable) never reads (it reads \(read.sorted()))"
                )
            }
            // Every executable needs the database; a secret file counts.
            #expect(
                service.environment["DATABASE_URL"] != nil || service.environment["DATABASE_URL_FILE"] != nil,
                "compose service \(name) does not set DATABASE_URL")
            // No secret is committed as a literal value.
            for secret in ["DATABASE_URL", "DDM_HMAC_KEY", "STATUS_HMAC_KEY", "MDM_API_KEY"] {
                #expect(
                    service.environment[secret] == nil,
                    "compose service \(name) sets \(secret) in the file; use \(secret)_FILE and a secret")
            }
        }
    }

    @Test func servicesListenOnTheirOwnPortAndStatusIngestScalesOut() throws {
        let services = try Self.managedOSServices()
        for descriptor in ServiceDescriptor.all {
            guard let service = services[descriptor.name] else {
                Issue.record("no compose service \(descriptor.name)")
                continue
            }
            #expect(service.environment["HTTP_PORT"] == String(descriptor.defaultPort), "\(descriptor.name)")
            #expect(service.environment["HTTP_HOST"] == "0.0.0.0", "\(descriptor.name) must listen beyond loopback")
            #expect(
                service.expose.contains(String(descriptor.defaultPort)), "\(descriptor.name) exposes \(service.expose)")
        }
        let statusIngest = try #require(services[ServiceDescriptor.statusIngest.name])
        #expect(statusIngest.replicas == 3)
        // `--scale` needs replicas without a fixed name or host port.
        #expect(statusIngest.containerName == nil)
        #expect(statusIngest.hostPorts.isEmpty)
    }

    @Test func theScanOfTheSettingsCodeTellsServicesApart() throws {
        // Guards the drift check above against a scan that finds nothing (and so would fail everything) or
        // everything (and so would pass anything).
        let statusIngest = try Self.variablesRead(byServiceFolder: "StatusIngest")
        let libraryAPI = try Self.variablesRead(byServiceFolder: "LibraryAPI")
        let scheduler = try Self.variablesRead(byServiceFolder: "Scheduler")
        for shared in ["DATABASE_URL", "HTTP_HOST", "HTTP_PORT", "LOG_LEVEL", "DATABASE_POOL_SIZE"] {
            #expect(statusIngest.contains(shared) && libraryAPI.contains(shared), "\(shared)")
        }
        #expect(statusIngest.contains("STATUS_HMAC_KEY"))
        #expect(!libraryAPI.contains("STATUS_HMAC_KEY"))
        #expect(scheduler.contains("SCHEDULER_BATCH_SIZE"))
        #expect(!statusIngest.contains("SCHEDULER_BATCH_SIZE"))
    }

    @Test func theReadmeConfigurationTableListsEveryVariableAndWhoReadsIt() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(
            readme.components(separatedBy: "\n## Configuration reference\n").dropFirst().first?
                .components(separatedBy: "\n## ").first,
            "README.md has no \"## Configuration reference\" section")
        // `| `NAME` | read by | meaning | default |`
        var documented: [String: Set<String>] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let readers = cells[1] == "all" ? ServiceDescriptor.all.map(\.name) : cells[1].components(separatedBy: ", ")
            documented[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), default: []]
                .formUnion(readers)
        }
        var read: [String: Set<String>] = [:]
        for descriptor in ServiceDescriptor.all {
            for variable in try Self.variablesRead(byServiceFolder: try #require(Self.serviceFolders[descriptor.name]))
            {
                read[variable, default: []].insert(descriptor.name)
            }
        }
        #expect(read.count > 20, "the scan found only \(read.keys.sorted())")
        for variable in Set(read.keys).union(documented.keys).sorted() {
            #expect(
                documented[variable] == read[variable],
                "\(variable): the README says it is read by \(documented[variable]?.sorted() ?? []), the code by \(read[variable]?.sorted() ?? [])"
            )
        }
    }

    // MARK: the proxy

    @Test(arguments: ProxyCase.all)
    func theProxyRoutesEachPathFamilyToItsService(_ proxyCase: ProxyCase) throws {
        let config = try Self.nginxConfig()
        let target = try config.route(method: proxyCase.method, path: proxyCase.path)
        switch proxyCase.expectation {
        case .forwarded(let service, let forwardedPath):
            #expect(target == .forwarded(host: service, port: try Self.composePort(of: service), path: forwardedPath))
        case .refused:
            if case .forwarded = target { Issue.record("\(proxyCase) should not reach a service, got \(target)") }
        }
    }

    @Test func theSelfServicePageFormsAllReachTheGateway() throws {
        // The page's forms post to absolute paths; every one the code renders must be routed to the gateway.
        let folder = Self.root.appendingPathComponent("Services/SelfServiceGateway/Service/Page")
        let actions = try Self.swiftFiles(in: folder).flatMap { file -> [String] in
            let text = try String(contentsOf: file, encoding: .utf8)
            return Self.matches(of: #"action=\\?"(/[^"\\]*(?:\\\([^)]*\)[^"\\]*)*)\\?""#, in: text)
        }
        #expect(actions.count >= 4, "found only \(actions) in the page code")
        let config = try Self.nginxConfig()
        let gatewayPort = try Self.composePort(of: ServiceDescriptor.selfServiceGateway.name)
        for action in actions {
            // `\(offer.major)` and friends become a sample path segment.
            let path = action.replacingOccurrences(of: #"\\\([^)]*\)"#, with: "15", options: .regularExpression)
            #expect(
                try config.route(method: "POST", path: path)
                    == .forwarded(host: ServiceDescriptor.selfServiceGateway.name, port: gatewayPort, path: path),
                "form action \(action)")
        }
        #expect(
            try config.route(method: "GET", path: "/")
                == .forwarded(host: ServiceDescriptor.selfServiceGateway.name, port: gatewayPort, path: "/"))
    }

    @Test func theProxyResolvesStatusIngestPerRequestSoNewReplicasAreUsed() throws {
        let config = try Self.nginxConfig()
        #expect(config.http.first("resolver")?.arguments.first == "127.0.0.11", "Docker's embedded DNS")
        let location = try #require(config.location(method: "PUT", path: "/ddm/status"))
        // A literal host in proxy_pass is resolved once at start-up; a variable is resolved per request.
        #expect(location.first("proxy_pass")?.arguments.first?.hasPrefix("$") == true)
    }

    @Test(
        .enabled(
            if: DeploymentConfigurationTests.nginxExecutable != nil,
            "nginx is not installed (apt-get install nginx-light)"))
    func nginxAcceptsTheConfig() async throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: prefix) }
        let config = Self.root.appendingPathComponent("deploy/nginx/nginx.conf").path
        let nginx = try ChildProcess(
            executable: try #require(Self.nginxExecutable), arguments: ["-t", "-p", prefix.path + "/", "-c", config],
            environment: ProcessInfo.processInfo.environment)
        let status = try await nginx.exitStatus(timeout: .seconds(30))
        #expect(status == 0, "nginx -t: \(nginx.standardError)")
    }
}

// MARK: - Proxy expectations

extension DeploymentConfigurationTests {
    /// One request and where the proxy must send it.
    struct ProxyCase: Sendable, CustomTestStringConvertible {
        enum Expectation: Sendable {
            /// To this compose service, with this path.
            case forwarded(service: String, path: String)
            /// Answered by the proxy itself (404, 403), never forwarded.
            case refused
        }

        let method: String
        let path: String
        let expectation: Expectation

        var testDescription: String { "\(method) \(path)" }

        static let ddmBase = "/ddm"
        static let publisher = ServiceDescriptor.declarationPublisher.name
        static let gateway = ServiceDescriptor.selfServiceGateway.name
        static let admin = ServiceDescriptor.libraryAPI.name

        static let all: [ProxyCase] = [
            // NanoMDM -dm forwards to <base>/status (PUT) and <base>/tokens, declaration-items, declaration/… (GET).
            .init(
                method: "PUT", path: "\(ddmBase)/status",
                expectation: .forwarded(service: ServiceDescriptor.statusIngest.name, path: "/status")),
            .init(
                method: "GET", path: "\(ddmBase)/tokens", expectation: .forwarded(service: publisher, path: "/tokens")),
            .init(
                method: "GET", path: "\(ddmBase)/declaration-items",
                expectation: .forwarded(service: publisher, path: "/declaration-items")),
            .init(
                method: "GET", path: "\(ddmBase)/declaration/configuration/com.example.enforcement.15",
                expectation: .forwarded(
                    service: publisher, path: "/declaration/configuration/com.example.enforcement.15")),
            .init(method: "GET", path: "\(ddmBase)/status", expectation: .refused),
            .init(method: "GET", path: "\(ddmBase)/unknown", expectation: .refused),
            // Self Service API.
            .init(
                method: "GET", path: "/v1/me/upgrades",
                expectation: .forwarded(service: gateway, path: "/v1/me/upgrades")),
            .init(
                method: "GET", path: "/v1/me/requests/42/events",
                expectation: .forwarded(service: gateway, path: "/v1/me/requests/42/events")),
            // Admin API and console.
            .init(
                method: "GET", path: "/v1/library-items",
                expectation: .forwarded(service: admin, path: "/v1/library-items")),
            .init(method: "POST", path: "/v1/devices", expectation: .forwarded(service: admin, path: "/v1/devices")),
            .init(method: "GET", path: "/v1/meta", expectation: .forwarded(service: admin, path: "/v1/meta")),
            .init(method: "GET", path: "/console", expectation: .forwarded(service: admin, path: "/console")),
            .init(
                method: "GET", path: "/console/devices",
                expectation: .forwarded(service: admin, path: "/console/devices")),
            // Nothing else leaks through (the services' /metrics stay internal).
            .init(method: "GET", path: "/metrics", expectation: .refused),
        ]
    }
}

// MARK: - Compose file

extension DeploymentConfigurationTests {
    /// The parts of one compose service the checks look at.
    struct ComposeService {
        var command: [String]
        var environment: [String: String]
        var expose: [String]
        var hostPorts: [String]
        var replicas: Int?
        var containerName: String?
    }

    /// The compose services that run the Managed OS image, by name (YAML anchors and merge keys resolved).
    static func managedOSServices() throws -> [String: ComposeService] {
        let text = try String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [AnyHashable: Any])
        let services = try #require(document["services"] as? [AnyHashable: Any])
        var result: [String: ComposeService] = [:]
        for (key, value) in services {
            guard let name = key as? String, let service = value as? [AnyHashable: Any] else { continue }
            guard (service["image"] as? String)?.hasPrefix("managed-os") == true || service["build"] != nil else {
                continue
            }
            let command: [String]
            if let list = service["command"] as? [Any] {
                command = list.map { "\($0)" }
            } else if let line = service["command"] as? String {
                command = line.split(separator: " ").map(String.init)
            } else {
                command = []
            }
            var environment: [String: String] = [:]
            if let mapping = service["environment"] as? [AnyHashable: Any] {
                for (variable, value) in mapping { environment["\(variable)"] = value is NSNull ? "" : "\(value)" }
            } else if let list = service["environment"] as? [Any] {
                for entry in list.map({ "\($0)" }) {
                    let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                    environment[parts[0]] = parts.count > 1 ? parts[1] : ""
                }
            }
            let deploy = service["deploy"] as? [AnyHashable: Any]
            result[name] = ComposeService(
                command: command, environment: environment,
                expose: (service["expose"] as? [Any] ?? []).map { "\($0)" },
                hostPorts: (service["ports"] as? [Any] ?? []).map { "\($0)" },
                replicas: deploy?["replicas"] as? Int,
                containerName: service["container_name"] as? String)
        }
        return result
    }

    /// The `HTTP_PORT` compose gives `service`.
    static func composePort(of service: String) throws -> Int {
        let environment = try #require(try managedOSServices()[service]?.environment)
        return try #require(environment["HTTP_PORT"].flatMap { Int($0) }, "\(service) has no HTTP_PORT")
    }

    /// True when the image's entry point is the script that turns `NAME_FILE` into `NAME`.
    static func imageTurnsFileVariablesIntoValues() throws -> Bool {
        let dockerfile = try String(contentsOf: root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let script = try String(
            contentsOf: root.appendingPathComponent("deploy/docker-entrypoint.sh"), encoding: .utf8)
        return dockerfile.contains("COPY deploy/docker-entrypoint.sh")
            && dockerfile.contains(#"ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]"#)
            && script.contains("_FILE")
    }

    // MARK: executables and settings code

    /// The subcommands `executable path… --help` lists.
    static func subcommands(of executable: URL, path: [String]) async throws -> Set<String> {
        let help = try ChildProcess(executable: executable, arguments: path + ["--help"], environment: [:])
        let status = try await help.exitStatus(timeout: .seconds(30))
        guard status == 0 else { throw TestSetupError("\(executable.lastPathComponent) --help exited \(status)") }
        var names: Set<String> = []
        var inSection = false
        for line in help.standardOutput.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" {
                inSection = true
            } else if inSection {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                // `  serve (default)   Serves …`; wrapped descriptions are indented further.
                if line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first {
                    names.insert(String(word))
                }
            }
        }
        return names
    }

    /// The environment variables the code of `Services/<folder>/` and of `Shared/` reads: string literals
    /// passed to `environment[…]`, to a setting helper (`integer("NAME", …)`, `source("NAME")`) or named as
    /// a `setting:`, in files that read a `ServiceEnvironment`.
    static func variablesRead(byServiceFolder folder: String) throws -> Set<String> {
        let folders = [root.appendingPathComponent("Shared"), root.appendingPathComponent("Services/\(folder)")]
        var names: Set<String> = []
        for file in try folders.flatMap(swiftFiles(in:)) {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard text.contains("ServiceEnvironment") || text.contains("environment[") else { continue }
            names.formUnion(
                matches(of: #"(?:environment\[|\(\s*|setting:\s*)"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)""#, in: text))
        }
        return names
    }

    static func swiftFiles(in folder: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw TestSetupError("cannot list \(folder.path)")
        }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// The first capture group of every match of `pattern` in `text`.
    static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    // MARK: external tools

    static let nginxExecutable: URL? = executable(named: "nginx", extraFolders: ["/usr/sbin"])

    static func executable(named name: String, extraFolders: [String] = []) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let folders = path.split(separator: ":").map(String.init) + extraFolders
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `docker-compose` with `arguments`; fails the test with how to install it when it is missing.
    static func runDockerCompose(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String)
    {
        guard let dockerCompose = executable(named: "docker-compose", extraFolders: ["/usr/local/bin"]) else {
            throw TestSetupError(
                "docker-compose is not installed: run scripts/install-dependencies.sh as root "
                    + "(Debian package docker-compose); CI installs it")
        }
        let process = try ChildProcess(
            executable: dockerCompose, arguments: arguments, environment: ProcessInfo.processInfo.environment)
        let status = try await process.exitStatus(timeout: .seconds(60))
        return (status, process.standardOutput, process.standardError)
    }

    static func nginxConfig() throws -> NginxConfig {
        let text = try String(
            contentsOf: root.appendingPathComponent("deploy/nginx/nginx.conf"), encoding: .utf8)
        return try NginxConfig(parsing: text)
    }
}

// MARK: - nginx configuration

extension DeploymentConfigurationTests {
    /// Just enough of nginx's configuration language to follow a request: directives and blocks, `location`
    /// matching (`=`, longest prefix, `^~`, regexes in order), `limit_except`, `rewrite … break`, `set` and
    /// `proxy_pass`.
    struct NginxConfig {
        /// A directive with its arguments and, for blocks, its children.
        struct Directive {
            var name: String
            var arguments: [String]
            var children: [Directive]

            func first(_ name: String) -> Directive? { children.first { $0.name == name } }
            func all(_ name: String) -> [Directive] { children.filter { $0.name == name } }
        }

        /// Where a request ends up.
        enum Target: Equatable, CustomStringConvertible {
            case forwarded(host: String, port: Int, path: String)
            /// The proxy answers itself (`return`, a refused method, or no location).
            case answered(String)

            var description: String {
                switch self {
                case .forwarded(let host, let port, let path): "→ \(host):\(port)\(path)"
                case .answered(let why): "answered by the proxy (\(why))"
                }
            }
        }

        let http: Directive
        let server: Directive

        init(parsing text: String) throws {
            var tokens = Self.tokens(of: text)[...]
            let main = Directive(name: "main", arguments: [], children: try Self.block(from: &tokens, closed: false))
            http = try #require(main.first("http"), "no http block")
            let servers = http.all("server")
            #expect(servers.count == 1, "one server block is expected")
            server = try #require(servers.first)
        }

        /// The location nginx picks for `path` (methods do not take part).
        func location(method: String, path: String) -> Directive? {
            let locations = server.all("location")
            func modifier(_ location: Directive) -> String? {
                location.arguments.count == 2 ? location.arguments[0] : nil
            }
            func pattern(_ location: Directive) -> String { location.arguments.last ?? "" }
            if let exact = locations.first(where: { modifier($0) == "=" && pattern($0) == path }) { return exact }
            let prefixes = locations.filter { [nil, "^~"].contains(modifier($0)) && path.hasPrefix(pattern($0)) }
            let longest = prefixes.max { pattern($0).count < pattern($1).count }
            if let longest, modifier(longest) == "^~" { return longest }
            for location in locations where ["~", "~*"].contains(modifier(location)) {
                var options: NSRegularExpression.Options = []
                if modifier(location) == "~*" { options.insert(.caseInsensitive) }
                if let regex = try? NSRegularExpression(pattern: pattern(location), options: options),
                    regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
                {
                    return location
                }
            }
            return longest
        }

        /// Follows `method path` through the server block.
        func route(method: String, path: String) throws -> Target {
            guard let location = location(method: method, path: path) else { return .answered("no location") }
            if let limit = location.first("limit_except") {
                var allowed = Set(limit.arguments)
                if allowed.contains("GET") { allowed.insert("HEAD") }
                if !allowed.contains(method) { return .answered("\(method) refused by limit_except") }
            }
            var forwardedPath = path
            for rewrite in location.all("rewrite") {
                #expect(
                    rewrite.arguments.count == 3 && rewrite.arguments[2] == "break",
                    "only `rewrite … break` is modelled")
                let regex = try NSRegularExpression(pattern: rewrite.arguments[0])
                let range = NSRange(forwardedPath.startIndex..., in: forwardedPath)
                if let match = regex.firstMatch(in: forwardedPath, range: range) {
                    forwardedPath = regex.replacementString(
                        for: match, in: forwardedPath, offset: 0, template: rewrite.arguments[1])
                    break
                }
            }
            guard let proxyPass = location.first("proxy_pass")?.arguments.first else {
                return .answered(location.first("return")?.arguments.joined(separator: " ") ?? "no proxy_pass")
            }
            var upstream = proxyPass
            if upstream.hasPrefix("$") {
                let scopes = [location, server, http]
                let set = scopes.lazy.flatMap { $0.all("set") }.first { $0.arguments.first == upstream }
                upstream = try #require(set?.arguments.last, "\(upstream) is never set")
            }
            let url = try #require(URL(string: upstream), "proxy_pass \(upstream)")
            #expect(url.path.isEmpty, "proxy_pass with a URI part is not modelled: \(upstream)")
            return .forwarded(host: url.host ?? "", port: url.port ?? 80, path: forwardedPath)
        }

        // MARK: parsing

        enum Token: Equatable {
            case word(String)
            case open, close, end
        }

        static func tokens(of text: String) -> [Token] {
            var tokens: [Token] = []
            var word = ""
            var quote: Character?
            var inComment = false
            var escaped = false
            func flush() {
                if !word.isEmpty { tokens.append(.word(word)) }
                word = ""
            }
            for character in text {
                if inComment {
                    if character == "\n" { inComment = false }
                    continue
                }
                if let open = quote {
                    if escaped {
                        word.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == open {
                        quote = nil
                        tokens.append(.word(word))
                        word = ""
                    } else {
                        word.append(character)
                    }
                    continue
                }
                switch character {
                case "#" where word.isEmpty: inComment = true
                case "\"" where word.isEmpty, "'" where word.isEmpty: quote = character
                case "{":
                    flush()
                    tokens.append(.open)
                case "}":
                    flush()
                    tokens.append(.close)
                case ";":
                    flush()
                    tokens.append(.end)
                case _ where character.isWhitespace: flush()
                default: word.append(character)
                }
            }
            flush()
            return tokens
        }

        static func block(from tokens: inout ArraySlice<Token>, closed: Bool) throws -> [Directive] {
            var directives: [Directive] = []
            var words: [String] = []
            while let token = tokens.popFirst() {
                switch token {
                case .word(let word): words.append(word)
                case .end:
                    guard let name = words.first else { throw TestSetupError("nginx.conf: empty directive") }
                    directives.append(Directive(name: name, arguments: Array(words.dropFirst()), children: []))
                    words = []
                case .open:
                    guard let name = words.first else { throw TestSetupError("nginx.conf: block without a name") }
                    let children = try block(from: &tokens, closed: true)
                    directives.append(Directive(name: name, arguments: Array(words.dropFirst()), children: children))
                    words = []
                case .close:
                    guard closed, words.isEmpty else { throw TestSetupError("nginx.conf: unbalanced }") }
                    return directives
                }
            }
            guard !closed, words.isEmpty else { throw TestSetupError("nginx.conf: unterminated block or directive") }
            return directives
        }
    }
}
