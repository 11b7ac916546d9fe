// CatalogRefreshTests: feeds become catalog rows and events; a bad feed changes nothing and is reported;
// URLs are read with conditional requests; each source at most once per interval unless forced.

import AppleFeedSnapshots
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ManagedOSDomain
import NIOCore
import SchedulerService
import Synchronization
import Testing
import TestSupport

@Suite("Catalog refresh", .enabled(if: TestDatabase.isEnabled), .serialized)
struct CatalogRefreshTests {
    @Test("the bundled feeds become one catalog row per release with an event each; a second read changes nothing")
    func bundledFeeds() async throws {
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10)
        do {
            let report = try await harness.service.refresher.refresh(now: harness.clock.now())
            let expected = CatalogBuilder(
                gdmf: [try GDMFFeed(parsing: AppleFeedSnapshots.gdmfCached())],
                sofa: [try SOFAFeed(parsing: AppleFeedSnapshots.sofaV2())]
            ).releases()
            #expect(report.failures.isEmpty)
            #expect(Set(report.added) == Set(expected.map(\.id)))
            #expect(try harness.count("catalog_releases") == Set(expected.map(\.id)).count)
            #expect(try harness.eventCount("catalog") == report.added.count)
            #expect(try harness.count("catalog_releases", "id = $1", ["15.7.9/24G231"]) + 1 >= 1)
            let latest15 = try harness.database.query(
                "SELECT max(string_to_array(version, '.')::int[])::text AS v FROM catalog_releases WHERE major = 15"
            ).first!.decode("v", as: String.self)
            #expect(latest15 == "{15,7,9}")

            let snapshot = try harness.snapshot()
            let events = try harness.eventCount()
            // Within the interval nothing is read; forced, the same content changes nothing either.
            #expect(try await harness.service.refresher.refresh(now: harness.clock.now()).read.isEmpty)
            let forced = try await harness.service.refresher.refresh(now: harness.clock.now(), force: true)
            #expect(forced.read == ["gdmf", "sofa"])
            #expect(forced.added.isEmpty && forced.changed.isEmpty && forced.removed.isEmpty)
            #expect(try harness.snapshot() == snapshot)
            #expect(try harness.eventCount() == events)
            // A day later both sources are due again.
            harness.clock.advance(by: 86_400)
            #expect(try await harness.service.refresher.refresh(now: harness.clock.now()).read == ["gdmf", "sofa"])
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("a truncated, wrongly typed or empty feed changes nothing and is reported", arguments: [
        ("truncated JSON", Data("{\"OSVersions\": [{\"OSVersion\": \"Sequoia 15\", \"SecurityReleases\": [".utf8)),
        ("wrong types", Data("{\"OSVersions\": \"Sequoia\", \"UpdateHash\": 7}".utf8)),
        ("empty file", Data()),
    ])
    func malformedFeed(name: String, body: Data) async throws {
        let feeds = try FeedFiles()
        defer { feeds.remove() }
        try feeds.write()
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10, gdmf: feeds.gdmf, sofa: feeds.sofa)
        do {
            try await harness.service.refresher.refresh(now: harness.clock.now())
            let before = try harness.snapshot()
            let events = try harness.eventCount()
            try feeds.overwrite(gdmf: false, with: body)
            let report = try await harness.service.refresher.refresh(now: harness.clock.now(), force: true)
            #expect(report.failures["sofa"] != nil, "\(name)")
            #expect(report.failures["gdmf"] == nil)
            #expect(try harness.snapshot() == before, "\(name) changed the catalog")
            #expect(try harness.eventCount() == events)
            let source = try #require(try harness.database.query(
                "SELECT last_error, last_success_at < last_attempt_at OR last_success_at IS NULL AS failed_last FROM catalog_sources WHERE name = 'sofa'"
            ).first)
            #expect(try source.decodeIfPresent("last_error", as: String.self)?.isEmpty == false)
            // The same thing with GDMF.
            try feeds.overwrite(gdmf: true, with: body)
            let gdmfReport = try await harness.service.refresher.refresh(now: harness.clock.now(), force: true)
            #expect(gdmfReport.failures["gdmf"] != nil)
            #expect(try harness.snapshot() == before)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("a URL source is read with If-None-Match / If-Modified-Since and a 304 changes nothing")
    func conditionalRequests() async throws {
        let seen = Mutex<[(etag: String?, modifiedSince: String?)]>([])
        let router = Router()
        let body = try AppleFeedSnapshots.gdmfCached()
        router.get("pmv") { request, _ -> Response in
            let etag = request.headers[HTTPField.Name("If-None-Match")!]
            let since = request.headers[HTTPField.Name("If-Modified-Since")!]
            seen.withLock { $0.append((etag, since)) }
            if etag == "\"v1\"" { return Response(status: .notModified) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", HTTPField.Name("ETag")!: "\"v1\"",
                          HTTPField.Name("Last-Modified")!: "Mon, 10 Aug 2026 10:00:00 GMT"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let harness = try await SchedulerHarness.make(
                now: SchedulerFixtures.august10, gdmf: .url(URL(string: "http://127.0.0.1:\(port)/pmv")!))
            do {
                let first = try await harness.service.refresher.refresh(now: harness.clock.now())
                #expect(first.failures.isEmpty)
                let before = try harness.snapshot()
                let second = try await harness.service.refresher.refresh(now: harness.clock.now(), force: true)
                #expect(second.failures.isEmpty)
                #expect(try harness.snapshot() == before)
                let requests = seen.withLock { $0 }
                #expect(requests.count == 2)
                #expect(requests.first?.etag == nil)
                #expect(requests.last?.etag == "\"v1\"")
                #expect(requests.last?.modifiedSince == "Mon, 10 Aug 2026 10:00:00 GMT")
                let lastError = try harness.database.query("SELECT last_error FROM catalog_sources WHERE name = 'gdmf'")
                    .first!.decodeIfPresent("last_error", as: String.self)
                #expect(lastError == nil)
            } catch {
                await harness.close()
                throw error
            }
            await harness.close()
        }
    }
}
