// JSONHTTPClient: small request/response helpers over AsyncHTTPClient for the simulator's calls.

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One HTTP answer: status and body bytes.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data

    /// The body as a JSON object; throws when it is not one.
    func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw SimulatorError("not a JSON object: \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        return object
    }

    var text: String { String(decoding: body.prefix(2000), as: UTF8.self) }
}

/// Sends requests with a shared `HTTPClient`.
struct JSONHTTPClient: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount

    init(client: HTTPClient, timeout: TimeAmount = .seconds(60)) {
        self.client = client
        self.timeout = timeout
    }

    /// Sends `method url` with `headers` and an optional body; any status is returned, transport errors thrown.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil
    ) async throws
        -> HTTPAnswer
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), body: Data(buffer: bytes))
    }
}
