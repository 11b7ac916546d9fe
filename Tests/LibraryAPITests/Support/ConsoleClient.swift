// ConsoleClient: drives the console's HTML forms over the test client (no browser): cookies and CSRF tokens.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A signed-in (or not yet signed-in) console user: keeps the cookies the console sets and reads the CSRF
/// token from each page's forms.
struct ConsoleClient: Sendable {
    /// One console answer.
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The `Set-Cookie` header values.
        var setCookies: [String] { headers[values: .setCookie] }

        /// The value of the first hidden `csrf` field.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let api: LibraryAPIHarness
    /// Cookie name → value.
    var cookies: [String: String] = [:]

    init(_ api: LibraryAPIHarness) {
        self.api = api
    }

    /// Signs in with `token` through the login form; the last answer is the login POST's.
    @discardableResult
    mutating func signIn(token: String) async throws -> Page {
        let form = try await get("/console/login")
        return try await post("/console/login", ["csrf": form.csrf ?? "", "token": token])
    }

    /// GET `uri` with the cookies.
    mutating func get(_ uri: String) async throws -> Page {
        try await send(.get, uri, body: nil)
    }

    /// POST a form (`application/x-www-form-urlencoded`) with the cookies.
    mutating func post(_ uri: String, _ fields: KeyValuePairs<String, String>) async throws -> Page {
        try await post(uri, fields.map { ($0.key, $0.value) })
    }

    /// POST a form given as ordered pairs (repeated names allowed).
    mutating func post(_ uri: String, _ fields: [(String, String)]) async throws -> Page {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)="
                + $0.1.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
        return try await send(.post, uri, body: body)
    }

    /// POST an already-encoded form body as it is (for hostile input: raw `%FF` bytes, broken escapes).
    mutating func post(_ uri: String, encodedBody: String) async throws -> Page {
        try await send(.post, uri, body: encodedBody)
    }

    private mutating func send(_ method: HTTPRequest.Method, _ uri: String, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        if let body {
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.contentLength] = String(body.utf8.count)
        }
        let page = try await api.client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        for header in page.setCookies {
            let pair = header.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }
}

/// The fields of a valid editor form for a continuous macOS 26 item (automatic, two weeks).
enum ConsoleForms {
    static func item(
        csrf: String, label: String = "Console item", _ overrides: [String: String] = [:], blueprints: [String] = []
    ) -> [(String, String)] {
        var fields: [String: String] = [
            "label": label, "major": "26", "installationMethod": "continuous", "versionMode": "automatic",
            "automaticTimeframe": "twoWeeks", "manualVersion": "", "manualDeadline": "", "enforcementTime": "09:00",
            "enforcementTimeZone": "Europe/Berlin", "bsiMode": "none", "bsiTimeframe": "oneWeek", "bsiTime": "10:00",
            "detailsURL": "", "gracePeriodDays": "", "exploitedCVETimeframe": "", "action": "save",
        ]
        for (key, value) in overrides { fields[key] = value }
        return [("csrf", csrf)] + fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + blueprints.map { ("blueprint", $0) }
    }
}
