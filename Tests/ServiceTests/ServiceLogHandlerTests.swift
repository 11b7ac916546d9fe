// ServiceLogHandlerTests: the line format, metadata set late, and lines below the level never formatted.

import Logging
import ServiceSupport
import Synchronization
import Testing

@Suite struct ServiceLogHandlerTests {
    final class Lines: Sendable {
        let written = Mutex<[String]>([])
        var all: [String] { written.withLock { $0 } }
    }

    @Test func aLineCarriesLevelLabelSortedMetadataSourceAndMessage() throws {
        let lines = Lines()
        var logger = Logger(label: "library-api") { label in
            ServiceLogHandler(label: label, write: { line in lines.written.withLock { $0.append(line) } })
        }
        logger[metadataKey: "hb.request.id"] = "trace-1"
        logger.debug("below the level")
        logger.info("request completed", metadata: ["http.status": "200", "a.first": "x"], source: "Tests")
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(
            line.hasSuffix(
                " info library-api: a.first=x hb.request.id=trace-1 http.status=200 [Tests] request completed\n"))
        #expect(line.hasPrefix("20"))  // an ISO 8601 instant
    }

    @Test func metadataFromTheCallWinsOverTheLoggersAndALaterSetIsSeen() throws {
        let lines = Lines()
        var logger = Logger(label: "gateway") { label in
            ServiceLogHandler(label: label, write: { line in lines.written.withLock { $0.append(line) } })
        }
        logger[metadataKey: "key"] = "logger"
        logger.warning("one", metadata: ["key": "call"])
        logger[metadataKey: "key"] = "changed"
        logger.warning("two")
        #expect(lines.all.count == 2)
        #expect(lines.all[0].contains(" key=call [") && lines.all[0].hasSuffix("] one\n"))
        #expect(lines.all[1].contains(" key=changed [") && lines.all[1].hasSuffix("] two\n"))
    }
}
