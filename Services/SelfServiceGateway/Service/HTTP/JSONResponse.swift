// JSONResponse: encodes the gateway's views as JSON responses (ISO 8601 dates, sorted keys).

import Foundation
import HTTPTypes
import Hummingbird

/// Builds JSON responses with one encoder configuration for every route.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// `value` as a JSON response with `status` and extra `headers`.
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        make(encoded: try body(value), status: status, headers: headers)
    }

    /// `value` encoded as the routes encode it, to keep and send later.
    static func body(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try encoder().encode(value))
    }

    /// A JSON response carrying `encoded` (from ``body(_:)``).
    static func make(encoded: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: encoded))
    }
}
