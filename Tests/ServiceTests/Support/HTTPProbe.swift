// HTTPProbe: minimal HTTP GETs against a service started by a test, and free-port discovery.

import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP response as the tests look at it.
struct ProbeResponse: Sendable {
    let status: Int
    let headers: [String: String]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// GETs paths of a service on 127.0.0.1.
struct HTTPProbe: Sendable {
    let port: Int

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    func get(_ path: String, headers: [String: String] = [:]) async throws -> ProbeResponse {
        try await send("GET", path, headers: headers)
    }

    /// Sends one request; `timeout` (seconds) replaces the session's 5 s for slow requests under load.
    func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil,
        timeout: TimeInterval? = nil
    ) async throws
        -> ProbeResponse
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        if let timeout { request.timeoutInterval = timeout }
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestSetupError("not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return ProbeResponse(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// Polls `path` until it answers with any status, or fails when `process` exits or `timeout` passes.
    func waitUntilAnswering(_ path: String, process: ChildProcess, timeout: Duration) async throws -> ProbeResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = try? await get(path) { return response }
            if !process.isRunning {
                throw TestSetupError("\(process.name) exited before answering; stderr:\n\(process.standardError)")
            }
            if ContinuousClock.now >= deadline {
                throw TestSetupError(
                    "\(process.name) did not answer within \(timeout); stderr:\n\(process.standardError)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
