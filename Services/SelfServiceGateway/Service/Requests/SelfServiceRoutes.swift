// SelfServiceRoutes: the end user's JSON API under /v1/me (offers, requests, progress, updates).

import Database
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import NIOCore
import ServiceSupport

/// The `/v1/me` routes. Every one needs the Mac's credential and is rate limited per Mac
/// (``MacAuthMiddleware``); a Mac only ever sees and acts on itself: another Mac's request id is a 404.
public struct SelfServiceRoutes: Sendable {
    let pool: ConnectionPool
    let settings: SelfServiceSettings
    let limiter: MacRateLimiter
    /// `GET /v1/me/updates`'s reads, through the replica's cache.
    let updatesProvider: MacUpdatesProvider
    let now: @Sendable () -> Date

    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    /// Adds the routes to `router`.
    public func add(to router: Router<ServiceRequestContext>) {
        let me = router.group("v1/me").add(middleware: MacAuthMiddleware(limiter: limiter))
        me.get("upgrades") { _, _ in try await upgrades() }
        me.post("upgrades/:major/requests") { request, context in try await startUpgrade(request, context: context) }
        me.get("requests") { _, _ in try await requests() }
        me.get("requests/:id") { request, context in try await requestProgress(request, context: context) }
        me.delete("requests/:id") { _, context in try await cancel(context: context) }
        me.get("requests/:id/events") { _, context in try await eventStream(context: context) }
        me.get("updates") { _, _ in try await updates() }
    }

    private var credential: MacCredential {
        get throws {
            guard let credential = MacCredential.current else { throw GatewayProblem.missingCredential }
            return credential
        }
    }

    func upgrades() async throws -> Response {
        let credential = try credential
        let now = now()
        let view = try await pool.withConnection { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return try Self.offersView(for: mac, now: now, on: connection)
        }
        return try JSONResponse.make(view)
    }

    /// The offers view of `mac`, with the open request of each major.
    static func offersView(
        for mac: AuthenticatedMac, now: Date, on connection: DatabaseConnection
    ) throws
        -> SelfServiceOffersView
    {
        let (version, offers, _) = try SelfServiceStore.offers(deviceID: mac.id, now: now, on: connection)
        let open = try SelfServiceStore.requests(deviceID: mac.id, on: connection).filter { !$0.view.finished }
        let openByMajor = Dictionary(open.map { ($0.major, $0.id) }, uniquingKeysWith: { first, _ in first })
        return SelfServiceOffersView(
            osVersion: version?.description,
            offers: (offers ?? []).map { SelfServiceOfferView($0, openRequestID: openByMajor[$0.major]) })
    }

    func startUpgrade(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try credential
        let majorText = context.parameters.get("major") ?? ""
        guard let major = Int(majorText), major > 0, major < 1000 else { throw GatewayProblem.invalidMajor(majorText) }
        let key = try Self.idempotencyKey(request)
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        try Self.checkOptionalObjectBody(body)
        let now = now()
        let outcome = try await pool.withTransaction { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return try SelfServiceStore.create(major: major, idempotencyKey: key, mac: mac, now: now, on: connection)
        }
        switch outcome {
        case .created(let record):
            return try JSONResponse.make(
                RequestEnvelope(request: record.view), status: .created,
                headers: [.location: "/v1/me/requests/\(record.id.uuidString.lowercased())"])
        case .existing(let record):
            return try JSONResponse.make(
                RequestEnvelope(request: record.view), status: .ok,
                headers: [.location: "/v1/me/requests/\(record.id.uuidString.lowercased())"])
        }
    }

    func requests() async throws -> Response {
        let credential = try credential
        let records = try await pool.withConnection { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return try SelfServiceStore.requests(deviceID: mac.id, on: connection)
        }
        return try JSONResponse.make(RequestListEnvelope(requests: records.map(\.view)))
    }

    /// `GET /v1/me/requests/{id}[?waitSeconds=N[&state=S]]`: the request; with `waitSeconds` a long-poll that
    /// answers as soon as the state differs from `state` (default: the state at the start), or after N seconds.
    func requestProgress(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try credential
        let id = try Self.requestID(context)
        let query = request.uri.queryParameters
        var wait = Duration.zero
        if let text = query.get("waitSeconds") {
            let maximum = Int(settings.longPollMaximum.components.seconds)
            guard let seconds = Int(text), (0...maximum).contains(seconds) else {
                throw GatewayProblem.invalidQuery("waitSeconds", "a whole number of seconds from 0 to \(maximum)")
            }
            wait = .seconds(seconds)
        }
        var known: String? = nil
        if let state = query.get("state") {
            guard SelfServiceRequest.State.storedNames.contains(state) else {
                throw GatewayProblem.invalidQuery(
                    "state", "one of " + SelfServiceRequest.State.storedNames.joined(separator: ", "))
            }
            known = state
        }
        let (mac, first) = try await pool.withConnection { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return (mac, try SelfServiceStore.request(id: id, deviceID: mac.id, on: connection))
        }
        guard var record = first else { throw GatewayProblem.requestNotFound }
        let baseline = known ?? record.state
        let deadline = ContinuousClock.now + wait
        while record.state == baseline, !record.view.finished, ContinuousClock.now < deadline {
            try await Task.sleep(for: min(settings.progressPollInterval, deadline - ContinuousClock.now))
            guard
                let next = try await pool.withConnection({
                    try SelfServiceStore.request(id: id, deviceID: mac.id, on: $0)
                })
            else { throw GatewayProblem.requestNotFound }
            record = next
        }
        return try JSONResponse.make(RequestEnvelope(request: record.view))
    }

    func cancel(context: ServiceRequestContext) async throws -> Response {
        let credential = try credential
        let id = try Self.requestID(context)
        let now = now()
        let record = try await pool.withTransaction { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return try SelfServiceStore.cancel(id: id, mac: mac, now: now, on: connection)
        }
        return try JSONResponse.make(RequestEnvelope(request: record.view))
    }

    /// `GET /v1/me/requests/{id}/events`: server-sent events, one `state` event with the request now and one
    /// at every change, until the request finishes or `SELF_SERVICE_STREAM_MAX_SECONDS` pass.
    func eventStream(context: ServiceRequestContext) async throws -> Response {
        let credential = try credential
        let id = try Self.requestID(context)
        let pool = self.pool
        let (mac, first) = try await pool.withConnection { connection in
            let mac = try AuthenticatedMac.find(credential, on: connection)
            return (mac, try SelfServiceStore.request(id: id, deviceID: mac.id, on: connection))
        }
        guard let first else { throw GatewayProblem.requestNotFound }
        let interval = settings.progressPollInterval
        let deadline = ContinuousClock.now + settings.streamMaximum
        let body = ResponseBody { writer in
            var record = first
            try await writer.write(try Self.serverSentEvent(record))
            var quiet = Duration.zero
            while !record.view.finished, ContinuousClock.now < deadline {
                try await Task.sleep(for: interval)
                guard
                    let next = try await pool.withConnection({
                        try SelfServiceStore.request(id: id, deviceID: mac.id, on: $0)
                    })
                else { break }
                if next.state != record.state || next.updatedAt != record.updatedAt {
                    record = next
                    try await writer.write(try Self.serverSentEvent(record))
                    quiet = .zero
                } else {
                    quiet += interval
                    if quiet >= .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        quiet = .zero
                    }
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    func updates() async throws -> Response {
        let credential = try credential
        return JSONResponse.make(encoded: try await updatesProvider.answer(for: credential, now: now()))
    }

    // MARK: - Input

    static func serverSentEvent(_ record: SelfServiceRequestRecord) throws -> ByteBuffer {
        let json = String(decoding: try JSONResponse.encoder().encode(record.view), as: UTF8.self)
        return ByteBuffer(string: "event: state\nid: \(record.state)\ndata: \(json)\n\n")
    }

    /// The path's request id; anything that is not a UUID is a request this Mac does not have (404).
    static func requestID(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw GatewayProblem.requestNotFound
        }
        return id
    }

    /// `Idempotency-Key`: absent, or 1–128 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[idempotencyHeader] else { return nil }
        guard !key.isEmpty, key.count <= 128, key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw GatewayProblem.invalidIdempotencyKey }
        return key
    }

    /// A POST body may be empty or a JSON object (no field is read yet); anything else is a 400.
    static func checkOptionalObjectBody(_ body: ByteBuffer) throws {
        let bytes = Data(body.readableBytesView)
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return }
        guard (try? JSONSerialization.jsonObject(with: bytes)) is [String: Any] else {
            throw GatewayProblem.invalidBody
        }
    }
}

/// `{"request": {…}}`.
struct RequestEnvelope: Codable, Sendable, Equatable {
    var request: SelfServiceRequestView
}

/// `{"requests": [{…}]}`.
struct RequestListEnvelope: Codable, Sendable, Equatable {
    var requests: [SelfServiceRequestView]
}
