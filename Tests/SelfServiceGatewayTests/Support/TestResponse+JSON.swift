// TestResponse+JSON: reads the gateway's JSON answers in tests.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The body as text.
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }

    /// `error.code` of a JSON error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

    /// `error.fields[].message` of a JSON error body.
    var errorFieldMessages: [String] {
        ((json["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    /// `request` of a request envelope.
    var request: [String: Any] { json["request"] as? [String: Any] ?? [:] }
}

extension Dictionary where Key == String, Value == Any {
    subscript(string key: String) -> String? { self[key] as? String }
}
