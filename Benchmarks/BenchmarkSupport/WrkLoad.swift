// WrkLoad: drives an HTTP server with `wrk` (a C load generator) and reads its rate and latency percentiles.

import Foundation

/// Runs `wrk` against a URL for a fixed time. A Lua `request` function (optional) shapes each request, e.g. a
/// random Mac's credential. Any non-2xx/3xx answer or socket error fails the measurement: a benchmark of
/// errors is not a benchmark.
public enum WrkLoad {
    /// Requests per second and latency percentiles (milliseconds) of one run.
    public struct Measurement: Sendable {
        public var rate: Double
        public var p50: Double
        public var p99: Double

        public init(rate: Double, p50: Double, p99: Double) {
            self.rate = rate
            self.p50 = p50
            self.p99 = p99
        }
    }

    /// The HTTP benchmarks' two same-run references under the same load: the server's own `GET /healthz` (one
    /// `SELECT 1`) at `base`, and a static nginx answer (what HTTP alone allows on this machine).
    public static func references(
        base: String, connections: Int, seconds: Int
    ) async throws
        -> (health: Measurement, staticAnswer: Measurement)
    {
        let health = try await measure(url: base + "/healthz", connections: connections, seconds: seconds)
        let nginx = try StaticNginx()
        defer { nginx.stop() }
        let staticAnswer = try await measure(
            url: "http://127.0.0.1:\(nginx.port)/", connections: connections, seconds: seconds)
        return (health, staticAnswer)
    }

    /// Why wrk could not give a figure.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `run` on a thread of its own: waiting for wrk must not hold one of the cooperative pool's few threads
    /// while the server under test, in the same process, needs them.
    public static func measure(
        url: String, connections: Int, seconds: Int, threads: Int = 2, requestScript: String? = nil
    ) async throws -> Measurement {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        try run(
                            url: url, connections: connections, seconds: seconds, threads: threads,
                            requestScript: requestScript)
                    })
            }.start()
        }
    }

    /// A Lua `request` function choosing `path` with a header whose value ends in a random number below `count`,
    /// e.g. `Authorization: Bearer mss_bench_<n>`; each wrk thread draws its own sequence.
    public static func randomHeaderScript(path: String, header: String, prefix: String, count: Int) -> String {
        requestScript(method: "GET", path: path, header: header, prefix: prefix, count: count, bodies: [])
    }

    /// A Lua script asking `path` for the numbers below `count` in order (`header: <prefix><n>`), shared among
    /// `threads` wrk threads (thread k asks k, k + threads, …, wrapping). With `stopAfterPass` each thread stops
    /// once it has its share of one pass; wrk still waits out its duration and divides by it, so such a run
    /// warms a cache but gives no rate.
    public static func everyKeyScript(
        path: String, header: String, prefix: String, count: Int, threads: Int = 2, stopAfterPass: Bool = false
    ) -> String {
        """
        local counter = 0
        function setup(thread)
            thread:set("first", counter)
            counter = counter + 1
        end
        function init(args)
            nextKey = first
            answered = 0
            share = math.floor((\(count) - first + \(threads) - 1) / \(threads))
        end
        function request()
            local key = nextKey % \(count)
            nextKey = nextKey + \(threads)
            return wrk.format("GET", "\(path)", { ["\(header)"] = "\(prefix)" .. key }, nil)
        end
        function response(status, headers, body)
            answered = answered + 1
            if \(stopAfterPass) and answered >= share then wrk.thread:stop() end
        end
        """
    }

    /// A Lua `request` function: `GET` of one of `paths` at random with the same `headers` on every request;
    /// each wrk thread draws its own sequence.
    public static func randomPathScript(paths: [String], headers: [String: String] = [:]) -> String {
        let headerTable = headers.sorted { $0.key < $1.key }.map { #"["\#($0.key)"] = [==[\#($0.value)]==]"# }
            .joined(separator: ", ")
        return seededRandomScript(
            tableName: "paths", entries: paths,
            request: #"return wrk.format("GET", paths[math.random(1, #paths)], { \#(headerTable) }, nil)"#)
    }

    /// A Lua `request` function: `method path` with `header: <prefix><random number below count>` and, when
    /// `bodies` is not empty, one of them at random as a JSON body. Each wrk thread draws its own sequence.
    public static func requestScript(
        method: String, path: String, header: String, prefix: String, count: Int, bodies: [String]
    ) -> String {
        let body = bodies.isEmpty ? "nil" : "bodies[math.random(1, #bodies)]"
        let contentType = bodies.isEmpty ? "" : #", ["Content-Type"] = "application/json""#
        return seededRandomScript(
            tableName: "bodies", entries: bodies,
            request: """
                local headers = { ["\(header)"] = "\(prefix)" .. math.random(0, \(count - 1))\(contentType) }
                    return wrk.format("\(method)", "\(path)", headers, \(body))
                """)
    }

    /// The Lua both random scripts share: a table `tableName` of `entries` (long-bracket strings), a random seed
    /// per wrk thread, and `request()` running `request`.
    private static func seededRandomScript(tableName: String, entries: [String], request: String) -> String {
        let table = entries.map { "[==[\($0)]==]" }.joined(separator: ",\n")
        return """
            local \(tableName) = {
            \(table)
            }
            local counter = 0
            function setup(thread)
                counter = counter + 1
                thread:set("seed", counter)
            end
            function init(args)
                math.randomseed(os.time() * 100 + seed)
            end
            function request()
                \(request)
            end
            """
    }

    /// Runs `wrk -t threads -c connections -d seconds --latency` against `url`.
    public static func run(
        url: String, connections: Int, seconds: Int, threads: Int = 2, requestScript: String? = nil
    ) throws -> Measurement {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-\(UUID()).lua")
        defer { try? FileManager.default.removeItem(at: script) }
        var arguments = [
            "-t", "\(threads)", "-c", "\(connections)", "-d", "\(seconds)s", "--latency", "--timeout", "10s",
        ]
        if let requestScript {
            try requestScript.write(to: script, atomically: true, encoding: .utf8)
            arguments += ["-s", script.path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try parse(text)
    }

    /// Reads `Requests/sec:` and the `50%` / `99%` lines of wrk's latency distribution.
    public static func parse(_ text: String) throws -> Measurement {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if let errors = lines.first(where: {
            $0.hasPrefix("Non-2xx or 3xx responses:") || $0.hasPrefix("Socket errors:")
        }) {
            throw Failure(description: "wrk saw failures (\(errors)):\n\(text)")
        }
        guard let rateLine = lines.first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(rateLine.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)),
            let p50 = percentile("50%", in: lines), let p99 = percentile("99%", in: lines)
        else { throw Failure(description: "wrk gave no rate or latency distribution:\n\(text)") }
        return Measurement(rate: rate, p50: p50, p99: p99)
    }

    /// `99%   12.34ms` → 12.34 (us, ms and s converted to milliseconds).
    static func percentile(_ label: String, in lines: [String]) -> Double? {
        guard let line = lines.first(where: { $0.hasPrefix(label + " ") || $0.hasPrefix(label + "\t") }) else {
            return nil
        }
        let value = line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where value.hasSuffix(suffix) {
            return Double(value.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }

    static func executablePath() throws -> String {
        for path in ["/usr/bin/wrk", "/usr/local/bin/wrk"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw Failure(description: "wrk not found (scripts/install-dependencies.sh --bench installs it)")
    }
}
