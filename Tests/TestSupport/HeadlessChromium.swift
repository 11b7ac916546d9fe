// HeadlessChromium: Debian's chromium driven through the DevTools protocol over a pipe (no WebSocket needed).

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium started with `--remote-debugging-pipe`: DevTools protocol messages are JSON texts
/// ended by a NUL byte, written to the browser's file descriptor 3 and read from its descriptor 4. One page
/// (target) is attached; `evaluate` runs an expression in it, the way a user's typing and clicks would act.
/// Shared by the browser tests of every service (Self Service page, admin console).
public final class HeadlessChromium: Sendable {
    /// Why the browser could not be driven.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private struct State {
        var nextID = 1
        var session = ""
        var buffer: [UInt8] = []
        var responses: [Int: Data] = [:]
        var closed = false
    }

    private let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private let profile: URL
    private let state = Mutex(State())

    /// The browser binary: `$CHROMIUM`, else `chromium` on the usual paths.
    public static func executable() -> String? {
        if let explicit = ProcessInfo.processInfo.environment["CHROMIUM"] { return explicit }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Starts the browser and attaches to a new blank page.
    public static func launch() async throws -> HeadlessChromium {
        guard let path = executable() else {
            throw Failure(description: "chromium not found: run scripts/install-dependencies.sh (Debian package chromium)")
        }
        let browser = try HeadlessChromium(path: path)
        do {
            let target = try await browser.send("Target.createTarget", ["url": "about:blank"])
            guard let targetID = target["targetId"] as? String else {
                throw Failure(description: "no targetId: \(target)")
            }
            let attach = try await browser.send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
            guard let session = attach["sessionId"] as? String else {
                throw Failure(description: "no sessionId: \(attach)")
            }
            browser.state.withLock { $0.session = session }
            try await browser.send("Page.enable")
            return browser
        } catch {
            browser.close()
            throw error
        }
    }

    private init(path: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw Failure(description: "pipe failed: \(errno)") }
        // Only the copies on descriptors 3 and 4 reach the browser.
        for descriptor in input + output { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 3)
        posix_spawn_file_actions_adddup2(&actions, output[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
            "--user-data-dir=\(profile.path)", "about:blank",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        Glibc.close(input[0])
        Glibc.close(output[1])
        guard spawned == 0 else {
            Glibc.close(input[1])
            Glibc.close(output[0])
            throw Failure(description: "posix_spawn \(path) failed: \(spawned)")
        }
        self.pid = pid
        toBrowser = input[1]
        fromBrowser = output[0]
        let thread = Thread { [self] in readMessages() }
        thread.start()
    }

    /// Reads NUL-terminated messages until the browser closes its end; keeps the answers by command id.
    private func readMessages() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fromBrowser, &chunk, chunk.count)
            if count <= 0 { break }
            let received = Array(chunk[0..<count])
            state.withLock { state in
                state.buffer += received
                while let end = state.buffer.firstIndex(of: 0) {
                    let message = Data(state.buffer[..<end])
                    state.buffer.removeSubrange(...end)
                    if let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any],
                        let id = object["id"] as? Int
                    {
                        state.responses[id] = message
                    }
                }
            }
        }
        state.withLock { $0.closed = true }
        Glibc.close(fromBrowser)
    }

    /// Sends one DevTools command (to the attached page once there is one) and waits for its result.
    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], timeout: Duration = .seconds(20)) async throws
        -> [String: Any]
    {
        let (id, session) = state.withLock { state in
            defer { state.nextID += 1 }
            return (state.nextID, state.session)
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if !session.isEmpty { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        let written = bytes.withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Failure(description: "write to chromium failed") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (data, closed) = state.withLock { state in (state.responses.removeValue(forKey: id), state.closed) }
            if let data {
                let response = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
                if let error = response["error"] { throw Failure(description: "\(method): \(error)") }
                return response["result"] as? [String: Any] ?? [:]
            }
            if closed { throw Failure(description: "chromium closed the pipe") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "\(method) got no answer within \(timeout)")
    }

    /// Opens `url` in the page.
    public func navigate(_ url: String) async throws {
        try await send("Page.navigate", ["url": url])
    }

    /// The value of `expression` in the page (nil when it throws, e.g. between documents).
    public func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if result["exceptionDetails"] != nil { return nil }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits until `expression` is `true` in the loaded page; fails after `timeout` with the page's text.
    public func waitUntil(_ expression: String, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try? await evaluate("document.readyState === 'complete' && (\(expression))"),
                value as? Bool == true
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? await evaluate("document.body ? document.body.innerText : ''")) as? String ?? ""
        throw Failure(description: "timed out waiting for \(expression); page:\n\(text)")
    }

    /// Sets the page's viewport to `width` × `height` CSS pixels (`mobile` also emulates a phone's viewport).
    public func setViewport(width: Int, height: Int, mobile: Bool = false) async throws {
        try await send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile])
    }

    /// Writes a PNG of the whole page (not only the viewport) to `file`, creating its folder.
    public func screenshot(to file: URL) async throws {
        let metrics = try await send("Page.getLayoutMetrics")
        let size = (metrics["cssContentSize"] ?? metrics["contentSize"]) as? [String: Any]
        var params: [String: Any] = ["format": "png", "captureBeyondViewport": true]
        if let width = size?["width"] as? Double, let height = size?["height"] as? Double {
            params["clip"] = ["x": 0, "y": 0, "width": width, "height": min(height, 10_000), "scale": 1]
        }
        let shot = try await send("Page.captureScreenshot", params, timeout: .seconds(60))
        guard let text = shot["data"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "Page.captureScreenshot returned no image")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    /// Stops the browser and removes its profile.
    public func close() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        Glibc.close(toBrowser)
        try? FileManager.default.removeItem(at: profile)
    }
}
