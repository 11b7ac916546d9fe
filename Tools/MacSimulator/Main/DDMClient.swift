// DDMClient: a Mac's DDM traffic as NanoMDM forwards it (tokens, declaration-items, declarations, status).

import AsyncHTTPClient
import Crypto
import Foundation
import MacSimulation
import NIOCore
import NIOHTTP1

/// Speaks to the product's DDM endpoints the way NanoMDM's `-dm` option forwards a Mac's check-ins: header
/// `X-Enrollment-ID`, `X-Enrollment-Type: Device` and, when a key is set, `X-Hmac-Signature` (base64
/// HMAC-SHA256 of the body, empty for GET).
struct DDMClient: Sendable {
    /// The result of a sync: the token and the declarations the Mac holds, with its OS enforcement.
    struct Sync: Sendable {
        var declarationsToken: String
        var held: [HeldDeclaration]
        var enforcement: EnforcementDeclaration?
    }

    let http: JSONHTTPClient
    /// Base URL of the declaration endpoints, ending in `/`.
    let declarationBase: String
    /// Base URLs status reports are spread over (round robin by Mac), each ending in `/`.
    let statusBases: [String]
    let hmacKey: Data?

    /// The identifier of the OS enforcement configuration the product declares.
    static let osEnforcementIdentifier = "com.managedos.enforcement.os"

    func headers(_ enrollmentID: String, body: Data) -> [(String, String)] {
        var headers = [("X-Enrollment-ID", enrollmentID), ("X-Enrollment-Type", "Device")]
        if let hmacKey {
            let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: hmacKey))
            headers.append(("X-Hmac-Signature", Data(code).base64EncodedString()))
        }
        return headers
    }

    /// `GET tokens` → the `DeclarationsToken`.
    func declarationsToken(_ enrollmentID: String) async throws -> String {
        let answer = try await get("tokens", enrollmentID)
        let tokens = try answer.object()["SyncTokens"] as? [String: Any]
        guard let token = tokens?["DeclarationsToken"] as? String else {
            throw SimulatorError("tokens for \(enrollmentID): \(answer.text)")
        }
        return token
    }

    /// `GET declaration-items`, then `GET declaration/<kind>/<id>` for the OS enforcement when listed.
    func sync(_ enrollmentID: String) async throws -> Sync {
        let manifest = try await get("declaration-items", enrollmentID).object()
        let token = manifest["DeclarationsToken"] as? String ?? ""
        let declarations = manifest["Declarations"] as? [String: Any] ?? [:]
        var held: [HeldDeclaration] = []
        for (key, kind) in [
            ("Activations", "activations"), ("Assets", "assets"), ("Configurations", "configurations"),
            ("Management", "management"),
        ] {
            for entry in declarations[key] as? [[String: Any]] ?? [] {
                guard let identifier = entry["Identifier"] as? String else { continue }
                held.append(
                    HeldDeclaration(
                        kind: kind, identifier: identifier, serverToken: entry["ServerToken"] as? String ?? ""))
            }
        }
        var enforcement: EnforcementDeclaration?
        if held.contains(where: { $0.kind == "configurations" && $0.identifier == Self.osEnforcementIdentifier }) {
            let declaration = try await get(
                "declaration/configuration/\(Self.osEnforcementIdentifier)", enrollmentID
            ).object()
            if let payload = declaration["Payload"] as? [String: Any] {
                enforcement = EnforcementDeclaration(identifier: Self.osEnforcementIdentifier, payload: payload)
            }
        }
        return Sync(declarationsToken: token, held: held, enforcement: enforcement)
    }

    /// `PUT status` with a report body, to the replica chosen by `replica`.
    func sendStatus(_ enrollmentID: String, body: Data, replica: Int) async throws {
        let base = statusBases[abs(replica) % statusBases.count]
        let answer = try await http.send(.PUT, base + "status", headers: headers(enrollmentID, body: body), body: body)
        guard answer.status == 200 else {
            throw SimulatorError("status report of \(enrollmentID): \(answer.status) \(answer.text)")
        }
    }

    private func get(_ path: String, _ enrollmentID: String) async throws -> HTTPAnswer {
        let answer = try await http.send(.GET, declarationBase + path, headers: headers(enrollmentID, body: Data()))
        guard answer.status == 200 else {
            throw SimulatorError("GET \(path) for \(enrollmentID): \(answer.status) \(answer.text)")
        }
        return answer
    }
}
