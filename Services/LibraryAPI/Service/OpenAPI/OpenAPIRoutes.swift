// OpenAPIRoutes: GET /v1/openapi.json serves the checked-in OpenAPI 3.1 document of the admin API.

import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport

/// Serves `OpenAPI/openapi.json` (bundled as a resource) to holders of a `read` token.
struct OpenAPIRoutes: Sendable {
    /// Why the document could not be loaded.
    enum LoadError: Error {
        case missingDocument
    }

    /// The document's bytes.
    static func document() throws -> Data {
        let bundle = Bundle.module
        for base in [bundle.resourceURL, bundle.bundleURL].compactMap({ $0 }) {
            if let data = try? Data(contentsOf: base.appendingPathComponent("openapi.json")) { return data }
        }
        throw LoadError.missingDocument
    }

    let document: Data

    func add(to group: RouterGroup<ServiceRequestContext>) {
        let document = self.document
        group.get("openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
