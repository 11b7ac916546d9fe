// ConsoleRenderer: the console's mustache templates (bundled resources) and HTML responses.

import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders console pages: a page template's output goes into `layout.mustache` (navigation, sign-out form,
/// styles). Templates are `Console/Templates/*.mustache`, bundled with the module and loaded once.
struct ConsoleRenderer: Sendable {
    /// Why the templates could not be loaded (a broken build).
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    private let library: MustacheLibrary

    /// Loads every bundled template.
    init() throws {
        var library = MustacheLibrary()
        let bundle = Bundle.module
        let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.map {
            $0.appendingPathComponent("Templates")
        }
        guard let directory = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw LoadError(description: "console templates not found in \(bundle.bundlePath)")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// `template` rendered with `context` (an empty string for an unknown template: caught by the tests).
    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }

    /// A whole page: `template` inside the layout, titled `title`, with `nav` marking the current section.
    func page(
        _ template: String, title: String, nav: String? = nil, context: [String: Any],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let viewer = ConsoleViewer.current
        var layout: [String: Any] = [
            "title": title, "content": render(template, context), "signedIn": viewer != nil,
            "actor": viewer?.principal.name ?? "", "csrf": viewer?.csrfToken ?? "",
        ]
        if let nav { layout["nav_\(nav)"] = true }
        return Self.html(render("layout", layout), status: status)
    }

    /// An HTML response that is never cached and never framed.
    static func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("X-Frame-Options")!: "DENY", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `303 See Other` to `location` (after a form post).
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}
