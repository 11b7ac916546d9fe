// MDMEnqueueClient: hands one command to the MDM server's API (NanoMDM `PUT /v1/enqueue/<id>`, which also pushes).

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends commands to a NanoMDM-style API: `PUT <base>/v1/enqueue/<enrollment id>` with the command plist as
/// the body and HTTP basic auth (`nanomdm` and the API key). NanoMDM enqueues the command and sends the APNs
/// push in the same request, so one call delivers. Any 2xx answer counts as delivered.
public struct MDMEnqueueClient: Sendable {
    /// The outcome of one attempt.
    public enum Outcome: Sendable, Equatable {
        /// The server took the command.
        case delivered
        /// It did not; the text says why (status and a bounded part of the body, or the transport error).
        case failed(String)
    }

    let client: HTTPClient
    let baseURL: URL
    let authorization: String?
    let timeout: Duration

    /// Creates a client for `baseURL` (NanoMDM's root; `v1/enqueue/…` is appended).
    public init(client: HTTPClient, baseURL: URL, user: String, apiKey: String?, timeout: Duration) {
        self.client = client
        self.baseURL = baseURL
        self.authorization = apiKey.map { "Basic " + Data("\(user):\($0)".utf8).base64EncodedString() }
        self.timeout = timeout
    }

    /// The enqueue URL for `enrollmentID` (percent-encoded as one path segment).
    public func enqueueURL(enrollmentID: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        let segment = enrollmentID.addingPercentEncoding(withAllowedCharacters: allowed) ?? enrollmentID
        var base = baseURL.absoluteString
        if !base.hasSuffix("/") { base += "/" }
        return base + "v1/enqueue/" + segment
    }

    /// Sends `command`.
    public func send(_ command: OutboxCommand) async -> Outcome {
        var request = HTTPClientRequest(url: enqueueURL(enrollmentID: command.enrollmentID))
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/xml")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(string: command.payload))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.inSeconds * 1e9)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) { return .delivered }
            let text = String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
            return .failed("HTTP \(response.status.code): \(text)")
        } catch {
            return .failed("transport: \(error)")
        }
    }
}
