// DeviceDetailRoutes: a Mac's plan, status (with history and parse errors) and MDM commands, and the
// fleet-wide command outbox.

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Read-only views of what the scheduler, status-ingest and declaration-publisher store about Macs.
struct DeviceDetailRoutes: Sendable {
    let pool: ConnectionPool

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.get("devices/:id/plan", use: plan)
        group.get("devices/:id/status", use: status)
        group.get("devices/:id/commands", use: deviceCommands)
        group.get("commands", use: commands)
    }

    /// Runs `body` for an existing device, else 404.
    private func withDevice<T: Sendable>(
        _ context: ServiceRequestContext, _ body: @escaping @Sendable (UUID, DatabaseConnection) throws -> T
    ) async throws -> T {
        let id = try RequestParameters.id(context, what: "device")
        return try await pool.withConnection { connection in
            guard try !connection.query("SELECT 1 FROM devices WHERE id = $1::uuid", [id]).rows.isEmpty else {
                throw LibraryProblem.notFound("device", id: id.postgresText)
            }
            return try body(id, connection)
        }
    }

    @Sendable func plan(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONBody.response(try await withDevice(context) { try DeviceDetailStore.plan($0, on: $1) })
    }

    /// `?historyLimit=` (1–200, default 20) bounds the history and the parse errors.
    @Sendable func status(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let limit =
            try RequestParameters.query("historyLimit", request, expected: "an integer from 1 to 200") {
                Int($0).flatMap { (1...200).contains($0) ? $0 : nil }
            } ?? 20
        return try JSONBody.response(
            try await withDevice(context) { try DeviceDetailStore.status($0, historyLimit: limit, on: $1) })
    }

    @Sendable func deviceCommands(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (state, paging, after) = try Self.commandFilter(request)
        let rows = try await withDevice(context) { id, connection in
            try DeviceDetailStore.commands(
                deviceID: id, state: state, after: after, limit: paging.limit + 1, on: connection)
        }
        return try JSONBody.response(paging.page(rows) { String($0.id) })
    }

    /// `?state=queued|delivered|failed`, paged by command id (oldest first).
    @Sendable func commands(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (state, paging, after) = try Self.commandFilter(request)
        let rows = try await pool.withConnection { connection in
            try DeviceDetailStore.commands(deviceID: nil, state: state, after: after, limit: paging.limit + 1, on: connection)
        }
        return try JSONBody.response(paging.page(rows) { String($0.id) })
    }

    private static func commandFilter(_ request: Request) throws -> (String?, Paging, Int64?) {
        let state = try RequestParameters.query("state", request, expected: "queued, delivered or failed") {
            ["queued", "delivered", "failed"].contains($0) ? $0 : nil
        }
        let paging = try Paging(request)
        guard let after = paging.after else { return (state, paging, nil) }
        guard let id = Int64(after) else {
            throw LibraryProblem.badRequest(
                field: "cursor", code: "wrong_type", message: "Query parameter cursor must be a cursor returned as nextCursor.")
        }
        return (state, paging, id)
    }
}
