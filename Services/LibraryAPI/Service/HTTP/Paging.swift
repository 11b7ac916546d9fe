// Paging: the admin API's keyset paging (`limit` and an opaque `cursor`) for long listings.

import Foundation
import Hummingbird
import NIOCore

/// Reads `limit` (1–500, default 100) and `cursor` (opaque: base64url of the last row's sort key) and
/// builds `{"items": […], "nextCursor": "…"}` pages. Keyset paging keeps every page one index range scan,
/// however deep, and rows inserted meanwhile never shift a page.
struct Paging: Sendable {
    /// Most rows per page.
    static let maximumLimit = 500
    /// Rows per page unless `limit` says otherwise.
    static let defaultLimit = 100

    /// Rows per page.
    var limit: Int
    /// The sort key of the last row of the previous page; nil for the first page.
    var after: String?

    /// `limit` and `cursor` of `request`; 400 naming the parameter when malformed.
    init(_ request: Request) throws {
        limit =
            try RequestParameters.query("limit", request, expected: "an integer from 1 to \(Self.maximumLimit)") {
                Int($0).flatMap { (1...Self.maximumLimit).contains($0) ? $0 : nil }
            } ?? Self.defaultLimit
        after = try RequestParameters.query("cursor", request, expected: "a cursor returned as nextCursor") {
            Self.decode($0)
        }
    }

    /// The opaque form of a sort key.
    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The sort key of an opaque cursor, nil when it is not one.
    static func decode(_ cursor: String) -> String? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The page of `rows` (fetched with `limit + 1`): at most `limit` rows, and the cursor of the next page
    /// when there is one.
    func page<Row: Encodable & Sendable>(_ rows: [Row], key: (Row) -> String) -> Page<Row> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last.map { Self.encode(key($0)) })
    }

    /// The JSON body of the page of `rows` (fetched with `limit + 1`), each already JSON text with its sort
    /// key: `{"items":[…],"nextCursor":"…"}` as ``Page`` encodes, the cursor absent on the last page.
    func jsonPage(_ rows: [(key: String, json: String)]) -> ByteBuffer {
        let items = rows.prefix(limit)
        var body = ByteBuffer()
        body.reserveCapacity(items.reduce(32) { $0 + $1.json.utf8.count + 1 })
        body.writeString(#"{"items":["#)
        for (index, row) in items.enumerated() {
            if index > 0 { body.writeString(",") }
            body.writeString(row.json)
        }
        body.writeString("]")
        if rows.count > limit, let last = items.last {
            // base64url: nothing to escape.
            body.writeString(#","nextCursor":""# + Self.encode(last.key) + #"""#)
        }
        body.writeString("}")
        return body
    }
}

/// One page of a listing.
struct Page<Element: Encodable & Sendable>: Encodable, Sendable {
    var items: [Element]
    /// Pass as `cursor` for the next page; absent on the last page.
    var nextCursor: String?
}
