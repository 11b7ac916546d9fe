// Pgbench: runs PostgreSQL's pgbench with a custom script, the same-run reference for database figures.

import Foundation

/// Runs `pgbench` with a custom script against one database and reports its transactions per second.
public enum Pgbench {
    /// Why pgbench could not give a figure.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `script` with `clients` clients, `transactionsPerClient` transactions each, and returns tps.
    ///
    /// Uses `-t`, not `-T`: a child of a Swift process inherits a signal mask that blocks SIGALRM, so
    /// pgbench's `-T` timer would never fire. `extraArguments` go before the script (e.g. `-M prepared`).
    public static func transactionsPerSecond(
        script: String, url: String, database: String, clients: Int, transactionsPerClient: Int,
        extraArguments: [String] = []
    ) throws -> Double {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgbench-\(UUID()).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        guard var target = URLComponents(string: url) else { throw Failure(description: "DATABASE_URL is not a URL") }
        target.path = "/" + database
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments =
            ["-n"] + extraArguments + [
                "-c", "\(clients)", "-j", "\(min(clients, 2))", "-t", "\(transactionsPerClient)",
                "-f", file.path, target.string ?? url,
            ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix { $0 == "." || $0.isNumber })
        else { throw Failure(description: "pgbench gave no tps line:\n\(text)") }
        return tps
    }

    /// `$TEST_PG_BIN/pgbench`, else the newest `/usr/lib/postgresql/<version>/bin/pgbench`.
    static func executablePath() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["TEST_PG_BIN"] { return bin + "/pgbench" }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let newest = versions.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }).last else {
            throw Failure(description: "pgbench not found")
        }
        return "\(root)/\(newest)/bin/pgbench"
    }
}
