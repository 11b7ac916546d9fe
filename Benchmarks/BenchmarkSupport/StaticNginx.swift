// StaticNginx: an nginx answering a fixed 200 on a free local port, the same-run ceiling for HTTP overhead.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts nginx (two workers, keep-alive) answering every request with a short fixed body, so a benchmark can
/// show how far an endpoint is from what the HTTP layer alone allows on the same machine in the same run.
public final class StaticNginx {
    public let port: Int
    private let process: Process
    private let folder: URL

    /// Starts nginx on `port`; waits until it listens.
    public init(port: Int) throws {
        self.port = port
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("static-nginx-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = """
            worker_processes 2;
            pid \(folder.path)/nginx.pid;
            error_log \(folder.path)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                keepalive_requests 1000000;
                server {
                    listen 127.0.0.1:\(port);
                    location / { default_type application/json; return 200 '{"status":"ok"}'; }
                }
            }
            """
        let file = folder.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executablePath())
        process.arguments = ["-p", folder.path, "-c", file.path, "-g", "daemon off;"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // nginx writes its pid file once it listens.
        for _ in 0..<100 where process.isRunning {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("nginx.pid").path) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw WrkLoad.Failure(description: "nginx did not start on port \(port) (see \(folder.path)/error.log)")
    }

    /// Starts nginx on a port the kernel just handed out as free.
    public convenience init() throws {
        try self.init(port: try Self.freePort())
    }

    /// A local TCP port nothing listens on (bound to port 0, read back, released).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw WrkLoad.Failure(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw WrkLoad.Failure(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
        #else
        throw WrkLoad.Failure(description: "free ports are found with Glibc only")
        #endif
    }

    /// Stops nginx and removes its folder.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    static func executablePath() throws -> String {
        for path in ["/usr/sbin/nginx", "/usr/bin/nginx"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw WrkLoad.Failure(description: "nginx not found (scripts/install-dependencies.sh --bench installs it)")
    }
}
