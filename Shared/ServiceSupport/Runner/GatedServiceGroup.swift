// GatedServiceGroup: runs a start-up check, then a group of services, as one service.

import Logging
import ServiceLifecycle

/// A service that first runs `gate` (e.g. "is the schema up to date?") and only then starts `services` in a
/// child `ServiceGroup`. A failing gate fails this service, so the enclosing group stops and the process
/// exits non-zero before any port is opened or worker started. Graceful shutdown during the gate ends it
/// quietly; afterwards it is passed on to the child group, which stops its services in reverse order.
struct GatedServiceGroup: Service, CustomStringConvertible {
    let name: String
    let gate: @Sendable () async throws -> Void
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let logger: Logger

    var description: String { name }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await gate()
            }
        } catch is CancellationError {
            if Task.isShuttingDownGracefully { return }
            throw CancellationError()
        }
        guard !Task.isShuttingDownGracefully else { return }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        try await group.run()
    }
}
