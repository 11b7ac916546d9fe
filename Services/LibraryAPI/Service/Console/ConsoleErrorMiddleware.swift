// ConsoleErrorMiddleware: renders console errors as HTML pages (the JSON API keeps its JSON errors).

import Database
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ManagedOSDomain
import ServiceSupport

/// Catches ``ConsoleProblem``, ``LibraryProblem`` and Hummingbird's `HTTPError` and answers with an HTML
/// error page of the same status, and text holding U+0000 with a 400 page; anything else is a `500` page that shows only the request id (the error
/// goes to the log).
struct ConsoleErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let renderer: ConsoleRenderer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ConsoleProblem {
            return page(problem.status, problem.message, context: context)
        } catch let problem as LibraryProblem {
            let details = problem.fields.map { "\($0.field): \($0.message)" }.joined(separator: " ")
            return page(problem.status, problem.message + (details.isEmpty ? "" : " " + details), context: context)
        } catch let error as HTTPError {
            return page(error.status, error.body ?? error.status.reasonPhrase, context: context)
        } catch let error as DatabaseError where error.code == .nulCharacter {
            // Text from the request holding U+0000, refused before anything was sent (as the JSON API's 400).
            return page(
                .badRequest, "A value in the request contains the NUL character (U+0000), which cannot be stored.",
                context: context)
        } catch {
            context.logger.error(
                "console request failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            return page(
                .internalServerError, "Something went wrong. Request id: \(context.requestID).",
                context: context)
        }
    }

    private func page(_ status: HTTPResponse.Status, _ message: String, context: Context) -> Response {
        renderer.page(
            "error", title: "\(status.code) \(status.reasonPhrase)",
            context: ["status": status.code, "reason": status.reasonPhrase, "message": message], status: status)
    }
}
