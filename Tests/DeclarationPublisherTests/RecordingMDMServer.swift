// RecordingMDMServer: a small NanoMDM-like enqueue API on an ephemeral port that records what it receives.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Records every `PUT /v1/enqueue/<id>` and answers with the status `respond` gives for the request's index.
final class RecordingMDMServer: Sendable {
    /// One received request.
    struct Received: Sendable {
        var enrollmentID: String
        var authorization: String?
        var body: String

        /// `RequestType` of the command plist.
        var requestType: String? { command?["RequestType"] as? String }
        /// `Command` of the plist.
        var command: [String: Any]? {
            let root = try? PropertyListSerialization.propertyList(from: Data(body.utf8), format: nil) as? [String: Any]
            return root?["Command"] as? [String: Any]
        }
    }

    private let log = Mutex<[Received]>([])
    private let respond: @Sendable (Int) async -> HTTPResponse.Status

    /// A server answering `respond(index)` to the request numbered `index` (from 0).
    init(respond: @escaping @Sendable (Int) async -> HTTPResponse.Status = { _ in .ok }) {
        self.respond = respond
    }

    /// What it has received so far.
    var received: [Received] { log.withLock { $0 } }

    /// Runs the server for the duration of `body`, passing its base URL.
    func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.put("v1/enqueue/:id") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let index = self.log.withLock { log in
                log.append(
                    Received(
                        enrollmentID: context.parameters.get("id") ?? "",
                        authorization: request.headers[.authorization], body: String(buffer: bytes)))
                return log.count - 1
            }
            let status = await self.respond(index)
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        var logger = Logger(label: "recording-mdm")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let result = try await body(URL(string: "http://127.0.0.1:\(port)/")!)
            group.cancelAll()
            return result
        }
    }
}
