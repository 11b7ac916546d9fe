// ServiceBinaries: finds the built executables the tests start as child processes.

import Foundation

/// Locates `library-api`, `scheduler`, … in the build products folder of the running test bundle.
///
/// Order: `MANAGED_OS_BIN_DIR` if set; the folder of the test bundle's executable and its parents (SwiftPM
/// puts executables and the test bundle side by side, whatever `--scratch-path` or configuration is used);
/// finally `<package>/.build/debug`, derived from this file's path. Build first: `swift build` (the
/// Makefile's `test` target does).
enum ServiceBinaries {
    static func url(for name: String, filePath: String = #filePath) throws -> URL {
        let fileManager = FileManager.default
        for folder in candidateFolders(filePath: filePath) {
            let candidate = folder.appendingPathComponent(name)
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSetupError(
            "executable \(name) not found (looked in \(candidateFolders(filePath: filePath).map(\.path))): "
                + "run `swift build` with the same scratch path first, or set MANAGED_OS_BIN_DIR")
    }

    static func candidateFolders(filePath: String) -> [URL] {
        var folders: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["MANAGED_OS_BIN_DIR"], !explicit.isEmpty {
            folders.append(URL(fileURLWithPath: explicit, isDirectory: true))
        }
        let testExecutable =
            Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "", isDirectory: false)
        var folder = testExecutable.resolvingSymlinksInPath().deletingLastPathComponent()
        // On Linux the test bundle is an executable in the products folder; on macOS it is
        // `<products>/X.xctest/Contents/MacOS/X`.
        for _ in 0..<4 {
            folders.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // ServiceTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        folders.append(packageRoot.appendingPathComponent(".build/debug", isDirectory: true))
        return folders
    }
}
