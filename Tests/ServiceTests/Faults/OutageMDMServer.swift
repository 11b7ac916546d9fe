// OutageMDMServer: a NanoMDM-like enqueue API the test can take down (503 to everything) and bring back.

import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Answers `PUT /v1/enqueue/<enrollment id>`: 503 while `isDown`, 200 otherwise; records every request with
/// the `CommandUUID` of its plist body, in the order they arrived.
final class OutageMDMServer: Sendable {
    /// One request it received.
    struct Received: Sendable {
        var enrollmentID: String
        var commandUUID: String
        var accepted: Bool
        var at: ContinuousClock.Instant
    }

    private let state = Mutex<(down: Bool, log: [Received])>((true, []))

    /// Starts down when `down` is true.
    init(down: Bool) { state.withLock { $0.down = down } }

    var isDown: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }

    /// Every request so far.
    var received: [Received] { state.withLock { $0.log } }

    /// Runs the server for the duration of `body`, passing its base URL.
    func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.put("v1/enqueue/:id") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let uuid = Self.commandUUID(in: String(buffer: bytes))
            let accepted = self.state.withLock { state in
                state.log.append(
                    Received(
                        enrollmentID: context.parameters.get("id") ?? "", commandUUID: uuid, accepted: !state.down,
                        at: .now))
                return !state.down
            }
            return Response(
                status: accepted ? .ok : .serviceUnavailable,
                body: ResponseBody(byteBuffer: ByteBuffer(string: accepted ? "{}" : "maintenance")))
        }
        var logger = Logger(label: "outage-mdm")
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
            do {
                let result = try await body(URL(string: "http://127.0.0.1:\(port)/")!)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// The `CommandUUID` string of a command plist (empty when there is none).
    static func commandUUID(in plist: String) -> String {
        let root = try? PropertyListSerialization.propertyList(from: Data(plist.utf8), format: nil) as? [String: Any]
        return root?["CommandUUID"] as? String ?? ""
    }
}
