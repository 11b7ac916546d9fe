// HealthRoutes: `GET /healthz` (database reachability) and `GET /metrics` (Prometheus text).

import Foundation
import Hummingbird

/// Adds the operational endpoints every service serves:
/// - `GET /healthz`: `200 {"status":"ok"}` when the database answers, otherwise
///   `503 {"status":"unavailable","checks":{"database":"unreachable"}}`;
/// - `GET /metrics`: every swift-metrics metric of the process in Prometheus text format.
public struct HealthRoutes: Sendable {
    /// The database check behind `/healthz`.
    public var database: any DatabaseHealthCheck

    /// Creates the routes for a database check.
    public init(database: any DatabaseHealthCheck) {
        self.database = database
    }

    /// Registers `/healthz` and `/metrics` on `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        let database = self.database
        router.get("healthz") { _, _ -> Response in
            if await database.ping() {
                return Self.json(status: .ok, #"{"status":"ok"}"#)
            }
            return Self.json(
                status: .serviceUnavailable, #"{"status":"unavailable","checks":{"database":"unreachable"}}"#)
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: MetricsBootstrap.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: MetricsBootstrap.exposition())))
        }
    }

    private static func json(status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
