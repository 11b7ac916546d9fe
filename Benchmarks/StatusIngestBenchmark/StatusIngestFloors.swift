// StatusIngestFloors: what each half of status-ingest allows alone on these cores — HTTP without storing, and
// the store without HTTP — measured in the same run as the saturation rate, to show where a report's cost goes.

import BenchmarkSupport
import Database
import Foundation
import Hummingbird
import NIOCore
import StatusIngestService

extension StatusIngestBenchmark {
    /// Reports/s of the same wrk load against a Hummingbird route that only collects the body (and, with
    /// `parsing`, parses it as status-ingest does) and answers 200: the most any status-ingest on this
    /// framework and these cores could answer before storing.
    func httpFloor(connections: Int, requestScript: String, parsing: Bool = false) async throws -> Double {
        let router = Router()
        router.put("status") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            if parsing {
                _ = try StatusReportParser.parse(Array(body.readableBytesView))
            }
            return Response(status: .ok)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })
        let seconds = max(1, Int(self.seconds.rounded()))
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            group.addTask {
                for await port in ports {
                    let target = "http://127.0.0.1:\(port)"
                    _ = try await WrkLoad.measure(url: target, connections: connections, seconds: 1, requestScript: requestScript)
                    return try await WrkLoad.measure(
                        url: target, connections: connections, seconds: seconds, requestScript: requestScript
                    ).rate
                }
                return nil
            }
            var rate = 0.0
            while let next = try await group.next() {
                if let next {
                    rate = next
                    group.cancelAll()
                }
            }
            return rate
        }
    }

    /// Reports/s that `StatusStore` writes with no HTTP in front: `writers` concurrent transactions of
    /// `batchSize` already-parsed reports for random Macs, as the batch writer gives them at saturation.
    func storeFloor(pool: ConnectionPool, batchSize: Int, writers: Int) async throws -> Double {
        let bodies = (0..<10).map { Self.report(mac: 1, number: $0) }
        let reports = try bodies.map { try StatusReportParser.parse(Array($0.utf8)) }
        let store = StatusStore(autoRegister: false)
        let macs = self.macs
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let written = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var written = 0
                    var number = writer
                    while clock.now < deadline {
                        let batch = (0..<batchSize).map { _ in
                            number += 1
                            return IncomingStatusReport(
                                enrollmentID: "mac-\(Int.random(in: 0..<macs))", receivedAt: Date(),
                                report: reports[number % 10], body: bodies[number % 10])
                        }
                        _ = try await pool.withTransaction { try store.write(batch, on: $0) }
                        written += batch.count
                    }
                    return written
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(written) / start.duration(to: clock.now).seconds
    }
}
