// ChildProcess: runs an executable with a chosen environment and captures its output to files.

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A started executable. Output goes to temporary files (no pipe can fill up and block the child); waiting
/// polls with `Task.sleep`, so no thread of the cooperative pool ever blocks.
final class ChildProcess: @unchecked Sendable {
    // `Process` is only touched from the test that owns this object; the folder is removed on deinit.
    private let process = Process()
    private let folder: URL
    let name: String

    init(executable: URL, arguments: [String] = [], environment: [String: String]) throws {
        name = executable.lastPathComponent
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("service-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    private var stdoutURL: URL { folder.appendingPathComponent("stdout") }
    private var stderrURL: URL { folder.appendingPathComponent("stderr") }

    /// Everything the process wrote to standard output so far.
    var standardOutput: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    /// Everything the process wrote to standard error so far (its log lines).
    var standardError: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    var isRunning: Bool { process.isRunning }

    /// The operating system's process id (to show a service was not restarted).
    var pid: Int32 { process.processIdentifier }

    /// Sends a signal (SIGTERM, SIGINT, …).
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status once the process has exited, or `nil` if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        // `isRunning` turns false when the status is collected; the status is read once that happened.
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// Runs to completion (or fails after `timeout`) and returns the exit status.
    func exitStatus(timeout: Duration) async throws -> Int32 {
        guard let status = try await waitForExit(timeout: timeout) else {
            send(SIGKILL)
            throw TestSetupError("\(name) did not exit within \(timeout); stderr:\n\(standardError)")
        }
        return status
    }
}
