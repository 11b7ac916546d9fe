// JSONBody: reading request bodies as JSON trees and writing response bodies.

import Foundation
import HTTPTypes
import Hummingbird

/// Reads and writes the admin API's JSON bodies.
enum JSONBody {
    /// The response encoder (sorted keys, ISO 8601 dates).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// The request body parsed as a JSON object; 400 `malformed_json` or `wrong_type` otherwise.
    static func object(of request: Request, context: some RequestContext) async throws -> JSONObjectReader {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw LibraryProblem.badRequest(
                field: "", code: "malformed_json", message: "The request body is not valid JSON.")
        }
        guard case .object(let members) = value else {
            throw LibraryProblem.badRequest(
                field: "", code: "wrong_type", message: "The request body must be a JSON object.")
        }
        return JSONObjectReader(path: "", members: members)
    }

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
