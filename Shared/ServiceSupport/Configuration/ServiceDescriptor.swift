// ServiceDescriptor: the name and default HTTP port of each Managed OS executable.

/// Identifies one executable: its kebab-case name (also its logger label) and the port it listens on
/// when `HTTP_PORT` is not set.
public struct ServiceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The executable's name, e.g. `library-api`.
    public let name: String
    /// The port used when `HTTP_PORT` is not set.
    public let defaultPort: Int

    /// Creates a descriptor for an executable.
    public init(name: String, defaultPort: Int) {
        self.name = name
        self.defaultPort = defaultPort
    }

    public var description: String { name }
}

extension ServiceDescriptor {
    /// The admin REST API (default port 8080).
    public static let libraryAPI = ServiceDescriptor(name: "library-api", defaultPort: 8080)
    /// The DDM endpoints the MDM server forwards check-ins to (default port 8081).
    public static let declarationPublisher = ServiceDescriptor(name: "declaration-publisher", defaultPort: 8081)
    /// The DDM status report receiver (default port 8082).
    public static let statusIngest = ServiceDescriptor(name: "status-ingest", defaultPort: 8082)
    /// The end user's Self Service API (default port 8083).
    public static let selfServiceGateway = ServiceDescriptor(name: "self-service-gateway", defaultPort: 8083)
    /// The catalog, evaluation and deadline worker; serves only health and metrics (default port 8084).
    public static let scheduler = ServiceDescriptor(name: "scheduler", defaultPort: 8084)

    /// Every executable of the product, in port order.
    public static let all: [ServiceDescriptor] = [
        .libraryAPI, .declarationPublisher, .statusIngest, .selfServiceGateway, .scheduler,
    ]
}
