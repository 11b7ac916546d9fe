// SlowClientTests: status-ingest's live server (real sockets) against slow-loris clients, a flood of idle
// connections and kept-alive idle connections, with short timeouts and a small connection limit; and the
// HTTP_* settings read from the environment.

import Database
import Foundation
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceSupport
import StatusIngestService
import TestSupport
import Testing

@Suite("slow clients and connection floods", .enabled(if: TestDatabase.isEnabled), .serialized)
struct SlowClientTests {
    /// Collects what the server sends on one raw connection.
    final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = NIOLockedValueBox<[UInt8]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            bytes.withLockedValue { $0 += buffer.readableBytesView }
        }

        var text: String { String(decoding: bytes.withLockedValue { $0 }, as: UTF8.self) }
    }

    /// A raw TCP connection to the server.
    struct Connection: Sendable {
        let channel: any Channel
        let received: Received
        let openedAt: ContinuousClock.Instant

        static func open(port: Int) async throws -> Connection {
            let received = Received()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(60))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
                }
                .connect(host: "127.0.0.1", port: port).get()
            return Connection(channel: channel, received: received, openedAt: .now)
        }

        func send(_ text: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: text))
        }

        /// Waits until the server closes the connection; false when `timeout` passes first.
        func waitForClose(within timeout: Duration) async -> Bool {
            let closed = NIOLockedValueBox(false)
            channel.closeFuture.whenComplete { _ in closed.withLockedValue { $0 = true } }
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if closed.withLockedValue({ $0 }) { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return closed.withLockedValue { $0 }
        }

        var isOpen: Bool { channel.isActive }

        func close() async {
            try? await channel.close()
        }
    }

    /// One complete `GET path` on a new connection (`Connection: close`); the answer's text, or nil when the
    /// connection could not be made or no answer came within `timeout`.
    static func get(_ path: String, port: Int, timeout: Duration = .seconds(30)) async -> String? {
        guard let connection = try? await Connection.open(port: port) else { return nil }
        try? await connection.send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        _ = await connection.waitForClose(within: timeout)
        await connection.close()
        let text = connection.received.text
        return text.isEmpty ? nil : text
    }

    /// Runs `body` with a live status-ingest on a free port with `http` settings.
    static func withServer(
        _ http: HTTPServerSettings, limiter: HTTPConnectionLimiter? = nil,
        _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let pool = database.makePool()
        do {
            let app = StatusIngestService.makeApplication(
                pool: pool, settings: StatusIngestSettings(), logger: TestDatabase.logger, http: http,
                connectionLimiter: limiter)
            try await app.test(.live) { client in
                try await body(try #require(client.port))
            }
        } catch {
            await pool.close()
            database.drop()
            throw error
        }
        await pool.close()
        database.drop()
    }

    @Test(
        "slow-loris clients dribbling header bytes get 408 and are closed after the head timeout; others are answered meanwhile"
    )
    func slowLoris() async throws {
        // Head timeout 2 s; the idle timeout (120 s) is far beyond the test's bound, so only the head timeout
        // can close the dribbling connections in time. Without it they would stay open until the idle timeout
        // (or forever without one) and `closedInTime` would fail.
        let http = HTTPServerSettings(
            idleTimeout: .seconds(120), requestHeadTimeout: .seconds(2), maximumConnections: 200)
        try await Self.withServer(http) { port in
            let count = 20
            var lorises: [Connection] = []
            for _ in 0..<count { lorises.append(try await Connection.open(port: port)) }
            let dribblers = Task {
                // One header byte per second on every connection, until each is closed.
                for connection in lorises { try? await connection.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n") }
                let header = Array("X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8)
                for byte in header {
                    try await Task.sleep(for: .seconds(1))
                    for connection in lorises where connection.isOpen {
                        try? await connection.channel.writeAndFlush(ByteBuffer(bytes: [byte]))
                    }
                }
            }
            defer { dribblers.cancel() }

            // A normal client is answered promptly (generous bound for a loaded machine) while they dribble.
            for _ in 0..<5 {
                let start = ContinuousClock.now
                let answer = await Self.get("/metrics", port: port)
                #expect(
                    answer?.hasPrefix("HTTP/1.1 200") == true, "normal client got \(answer?.prefix(80) ?? "nothing")")
                #expect(ContinuousClock.now - start < .seconds(15))
            }

            // Every dribbling connection is closed by the server within the bound, having been told 408.
            var closedInTime = 0
            for connection in lorises {
                let remaining = connection.openedAt + .seconds(30) - ContinuousClock.now
                if await connection.waitForClose(within: max(remaining, .zero)) { closedInTime += 1 }
            }
            #expect(closedInTime == count, "\(count - closedInTime) slow-loris connections were still open after 30 s")
            let timedOut = lorises.filter { $0.received.text.hasPrefix("HTTP/1.1 408") }.count
            #expect(timedOut == count, "\(timedOut) of \(count) got a 408")
            #expect(
                lorises.allSatisfy {
                    !$0.received.text.hasPrefix("HTTP/1.1 408") || $0.received.text.contains("request_timeout")
                })
            for connection in lorises { await connection.close() }
        }
    }

    @Test(
        "a flood of 1,000 idle connections beyond the limit is refused at once; a normal client gets in once the held ones time out"
    )
    func connectionFlood() async throws {
        // Limit 50 and a 3 s head timeout (the idle timeout, 60 s, is beyond the test's bounds). Without the
        // limit every flood connection would be admitted (the refusal and peak expectations fail); without the
        // head timeout the 50 held connections would stay open for a minute and the normal client would not
        // get in within the bound.
        let maximum = 50
        let limiter = HTTPConnectionLimiter(maximum: maximum)
        let http = HTTPServerSettings(
            idleTimeout: .seconds(60), requestHeadTimeout: .seconds(3), maximumConnections: maximum)
        try await Self.withServer(http, limiter: limiter) { port in
            // The live test framework's own client connects as the test starts and holds a slot until the head
            // timeout closes it; the flood starts from an empty server, so exactly `maximum` slots are free
            // (a flood that finished within 3 s of the start otherwise found 49).
            let clock = ContinuousClock()
            let waitStart = clock.now
            while limiter.openConnections == 0, clock.now - waitStart < .seconds(2) {
                try await Task.sleep(for: .milliseconds(20))
            }
            while limiter.openConnections > 0, clock.now - waitStart < .seconds(30) {
                try await Task.sleep(for: .milliseconds(50))
            }
            try #require(limiter.openConnections == 0, "the test client's connection was never closed")
            let flood = 1000
            let peak = NIOLockedValueBox(0)
            let sampler = Task {
                while !Task.isCancelled {
                    let open = limiter.openConnections
                    peak.withLockedValue { $0 = max($0, open) }
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { sampler.cancel() }

            // Open the flood in batches of 100 concurrent connects and hold every connection idle.
            var connections: [Connection] = []
            for _ in 0..<(flood / 100) {
                try await withThrowingTaskGroup(of: Connection?.self) { group in
                    for _ in 0..<100 { group.addTask { try? await Connection.open(port: port) } }
                    for try await connection in group { if let connection { connections.append(connection) } }
                }
            }
            #expect(connections.count >= flood * 9 / 10, "only \(connections.count) of \(flood) connects succeeded")

            // A normal client retrying gets its 200 once the held connections hit the head timeout (in about
            // 3 s; 60 s is the generous bound for a loaded machine).
            let start = ContinuousClock.now
            var answered = false
            var answeredAfter = Duration.zero
            while !answered && ContinuousClock.now - start < .seconds(60) {
                if let answer = await Self.get("/metrics", port: port, timeout: .seconds(10)),
                    answer.hasPrefix("HTTP/1.1 200")
                {
                    answered = true
                    answeredAfter = ContinuousClock.now - start
                } else {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(answered, "the normal client was never answered")

            // Every flood connection was closed by the server: beyond the limit at once with 503, the admitted
            // ones by the head timeout with 408.
            var stillOpen = 0
            for connection in connections {
                let remaining = connection.openedAt + .seconds(90) - ContinuousClock.now
                if !(await connection.waitForClose(within: max(remaining, .zero))) { stillOpen += 1 }
            }
            #expect(stillOpen == 0, "\(stillOpen) flood connections were never closed")
            let refused = connections.filter { $0.received.text.hasPrefix("HTTP/1.1 503") }.count
            let timedOut = connections.filter { $0.received.text.hasPrefix("HTTP/1.1 408") }.count
            // Admitted connections free their slot after 3 s, so while the flood is still connecting more than
            // `maximum` are admitted over time; never more than `maximum` at once.
            #expect(refused >= connections.count / 2, "only \(refused) of \(connections.count) were refused")
            #expect(timedOut >= maximum)
            #expect(refused + timedOut == connections.count, "every connection got a 503 or a 408")
            #expect(peak.withLockedValue { $0 } <= maximum)
            print(
                "connection flood: \(connections.count) connections, \(refused) refused with 503, \(timedOut) closed by the head timeout, peak \(peak.withLockedValue { $0 }) open (limit \(maximum)), normal client answered after \(answeredAfter)"
            )
            for connection in connections { await connection.close() }
        }
    }

    @Test("a kept-alive connection left idle after its answer is closed by the idle timeout")
    func idleKeepAlive() async throws {
        // Idle timeout 2 s, head timeout 120 s: only the idle timeout can close it within the bound.
        let http = HTTPServerSettings(
            idleTimeout: .seconds(2), requestHeadTimeout: .seconds(120), maximumConnections: 100)
        try await Self.withServer(http) { port in
            let connection = try await Connection.open(port: port)
            try await connection.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let answered = ContinuousClock.now
            while !connection.received.text.hasPrefix("HTTP/1.1 200"), ContinuousClock.now - answered < .seconds(30) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(connection.received.text.hasPrefix("HTTP/1.1 200"))
            #expect(await connection.waitForClose(within: .seconds(30)), "the idle kept-alive connection stayed open")
            await connection.close()
        }
    }

    @Test("HTTP_IDLE_TIMEOUT_SECONDS, HTTP_REQUEST_HEAD_TIMEOUT_SECONDS and HTTP_MAX_CONNECTIONS are read and checked")
    func settingsFromTheEnvironment() throws {
        let url = "postgres://app@db/managed_os"
        let defaults = try ServiceConfiguration(
            service: .statusIngest, environment: ServiceEnvironment(["DATABASE_URL": url]))
        #expect(defaults.http == HTTPServerSettings())
        #expect(defaults.http.idleTimeout == .seconds(60))
        #expect(defaults.http.requestHeadTimeout == .seconds(10))
        #expect(defaults.http.maximumConnections == 2048)
        let set = try ServiceConfiguration(
            service: .libraryAPI,
            environment: ServiceEnvironment([
                "DATABASE_URL": url, "HTTP_IDLE_TIMEOUT_SECONDS": "30", "HTTP_REQUEST_HEAD_TIMEOUT_SECONDS": "5",
                "HTTP_MAX_CONNECTIONS": "100",
            ]))
        #expect(
            set.http
                == HTTPServerSettings(
                    idleTimeout: .seconds(30), requestHeadTimeout: .seconds(5), maximumConnections: 100))
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(
                service: .scheduler,
                environment: ServiceEnvironment([
                    "DATABASE_URL": url, "HTTP_IDLE_TIMEOUT_SECONDS": "0", "HTTP_REQUEST_HEAD_TIMEOUT_SECONDS": "x",
                    "HTTP_MAX_CONNECTIONS": "-1",
                ]))
        }
        #expect(
            error?.settings == [
                "HTTP_IDLE_TIMEOUT_SECONDS", "HTTP_REQUEST_HEAD_TIMEOUT_SECONDS", "HTTP_MAX_CONNECTIONS",
            ])
    }
}
