// DeviceRoutes: /v1/devices: register, read, list, update and delete Macs.

import Database
import EventBus
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

/// Device routes. Registration issues the Mac's Self Service credential once (only its SHA-256 digest is
/// stored). Each write is audited and publishes a `devices` bus event (entity: the device id).
struct DeviceRoutes: Sendable {
    let pool: ConnectionPool

    func add(to group: RouterGroup<ServiceRequestContext>) {
        group.post("devices", use: register)
        group.get("devices", use: list)
        group.get("devices/:id", use: get)
        group.put("devices/:id", use: update)
        group.delete("devices/:id", use: delete)
    }

    /// Strictly decodes a registration or update body; 422 for an empty enrollment id or unknown time zone.
    static func attributes(_ reader: JSONObjectReader) throws -> DeviceStore.Attributes {
        try reader.requireOnly([
            "enrollmentId", "serialNumber", "modelIdentifier", "boardId", "blueprintId", "tags", "timeZone",
            "assignedUser",
        ])
        let attributes = DeviceStore.Attributes(
            enrollmentID: try reader.string("enrollmentId"), serialNumber: try reader.optionalString("serialNumber"),
            modelIdentifier: try reader.optionalString("modelIdentifier"), boardID: try reader.optionalString("boardId"),
            blueprintID: try reader.optionalUUID("blueprintId"), tags: try reader.optionalStringArray("tags") ?? [],
            timeZone: try reader.optionalString("timeZone"), assignedUser: try reader.optionalString("assignedUser"))
        var issues: [ItemValidationIssue] = []
        if attributes.enrollmentID.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(.init(field: "enrollmentId", code: "required", message: "Enter the enrollment id."))
        }
        if let zone = attributes.timeZone, TimeZone(identifier: zone) == nil {
            issues.append(
                .init(
                    field: "timeZone", code: "invalidTimeZone",
                    message: "\"\(zone)\" is not an IANA time zone such as Europe/Berlin."))
        }
        guard issues.isEmpty else { throw LibraryProblem.validationFailed(issues) }
        return attributes
    }

    /// 422 for an unknown blueprint, 409 for a taken enrollment id.
    static func check(_ attributes: DeviceStore.Attributes, id: UUID?, on connection: DatabaseConnection) throws {
        if let blueprintID = attributes.blueprintID, try BlueprintStore.fetch(blueprintID, on: connection) == nil {
            throw LibraryProblem.validationFailed([
                .init(
                    field: "blueprintId", code: "unknownBlueprint",
                    message: "No blueprint with id \(blueprintID.postgresText).")
            ])
        }
        if try DeviceStore.enrollmentTaken(attributes.enrollmentID, excluding: id, on: connection) {
            throw LibraryProblem(
                status: .conflict, code: "enrollment_id_taken",
                message: "A Mac with enrollment id \(attributes.enrollmentID) is already registered.",
                fields: [.init(field: "enrollmentId", code: "taken", message: "The enrollment id is taken.")])
        }
    }

    private static func finish(
        actor: String, action: String, id: UUID, before: DeviceView?, on connection: DatabaseConnection
    ) throws -> DeviceView? {
        let after = try DeviceStore.fetch(id, on: connection)
        try AuditLog.record(
            actor: actor, action: action, entityType: "device", entityID: id.postgresText, before: before, after: after,
            on: connection)
        try BusPublisher.publish([BusEventDraft(topic: BusTopic.device, entity: id.postgresText)], on: connection)
        return after
    }

    @Sendable func register(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let attributes = try Self.attributes(try await JSONBody.object(of: request, context: context))
        let id = UUID()
        let credential = TokenStore.randomSecret(prefix: "mss_")
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            try Self.check(attributes, id: nil, on: connection)
            try DeviceStore.insert(
                id: id, attributes, credentialHash: TokenStore.digest(credential), on: connection)
            return try Self.finish(actor: actor, action: "device.register", id: id, before: nil, on: connection)!
        }
        return try JSONBody.response(
            DeviceRegistrationResponse(device: view, selfServiceCredential: credential), status: .created)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let filter = DeviceStore.Filter(
            blueprintID: try RequestParameters.uuid("blueprint", request),
            major: try RequestParameters.query("major", request, expected: "an integer") { Int($0) },
            compliance: try RequestParameters.complianceStatus(request))
        let paging = try Paging(request)
        let devices = try await pool.withConnection { try DeviceStore.list(filter, paging: paging, on: $0) }
        return try JSONBody.response(paging.page(devices) { $0.enrollmentId })
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "device")
        guard let view = try await pool.withConnection({ try DeviceStore.fetch(id, on: $0) }) else {
            throw LibraryProblem.notFound("device", id: id.postgresText)
        }
        return try JSONBody.response(view)
    }

    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "device")
        let attributes = try Self.attributes(try await JSONBody.object(of: request, context: context))
        let view = try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try DeviceStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("device", id: id.postgresText)
            }
            try Self.check(attributes, id: id, on: connection)
            try DeviceStore.update(id: id, attributes, on: connection)
            return try Self.finish(actor: actor, action: "device.update", id: id, before: before, on: connection)
        }
        return try JSONBody.response(view)
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try RequestParameters.id(context, what: "device")
        try await pool.withTransaction { [actor = APIPrincipal.currentName] connection in
            guard let before = try DeviceStore.fetch(id, forUpdate: true, on: connection) else {
                throw LibraryProblem.notFound("device", id: id.postgresText)
            }
            try DeviceStore.delete(id, on: connection)
            _ = try Self.finish(actor: actor, action: "device.delete", id: id, before: before, on: connection)
        }
        return Response(status: .noContent)
    }
}
