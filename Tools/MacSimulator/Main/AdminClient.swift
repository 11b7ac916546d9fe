// AdminClient: library-api calls with an admin token (seeding and the compliance summary).

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// library-api's `/v1` API with `Authorization: Bearer <token>`.
struct AdminClient: Sendable {
    let http: JSONHTTPClient
    /// library-api's root URL, without a trailing slash.
    let base: String
    let token: String

    /// Sends JSON and returns the object answered; throws unless the status is `expect`.
    @discardableResult
    func json(
        _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, expect: Int
    ) async throws
        -> [String: Any]
    {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let answer = try await http.send(
            method, base + path, headers: [("Authorization", "Bearer \(token)")], body: data)
        guard answer.status == expect else {
            throw SimulatorError("\(method) \(path): expected \(expect), got \(answer.status) \(answer.text)")
        }
        return try answer.object()
    }

    /// The `id` of a created resource (top level or inside the named wrapper).
    static func id(_ object: [String: Any], in wrapper: String) throws -> String {
        if let id = (object[wrapper] as? [String: Any])?["id"] as? String ?? object["id"] as? String { return id }
        throw SimulatorError("no id in \(object)")
    }
}
