// StatusReportParserTests: flattening, item checks and rejections of the status report parser.

import StatusIngestService
import Testing

@Suite("status report parsing")
struct StatusReportParserTests {
    func parse(_ text: String) throws -> StatusReport {
        try StatusReportParser.parse(Array(text.utf8))
    }

    @Test("items are flattened to their dotted names and object-valued items stay whole")
    func flattensItems() throws {
        let report = try parse(StatusReportFixtures.pending("downloading", version: "15.7", build: "24G200"))
        #expect(report.items["softwareupdate.install-state"] == .string("downloading"))
        #expect(report.items["softwareupdate.pending-version"]?.objectValue?["os-version"] == .string("15.7"))
        #expect(
            report.items["softwareupdate.install-reason"]?.objectValue?["declaration-id"]
                == .string("ex.enforcement.15"))
        #expect(!report.isFull)
        #expect(report.problems.isEmpty)
    }

    @Test("FullReport true marks a full report and Errors are kept")
    func fullReportAndErrors() throws {
        let report = try parse(
            #"{"StatusItems":{},"FullReport":true,"Errors":[{"StatusItem":"x","Reasons":[{"Code":"Error.X"}]}]}"#)
        #expect(report.isFull)
        #expect(
            report.errors
                == .array([
                    .object(["StatusItem": .string("x"), "Reasons": .array([.object(["Code": .string("Error.X")])])])
                ]))
    }

    @Test("numbers and booleans are not confused")
    func numbersAreNotBooleans() throws {
        let report = try parse(#"{"StatusItems":{"a":{"b":1,"c":true,"d":1.5}}}"#)
        #expect(report.items["a.b"] == .int(1))
        #expect(report.items["a.c"] == .bool(true))
        #expect(report.items["a.d"] == .double(1.5))
    }

    @Test("a wrong type in a known item is a problem, not a rejection")
    func wrongTypesAreProblems() throws {
        let report = try parse(
            #"{"StatusItems":{"device":{"operating-system":{"version":15}},"softwareupdate":"x","management":{"declarations":{"activations":[{"identifier":1}]}}},"FullReport":"yes"}"#
        )
        #expect(report.items.isEmpty)
        #expect(
            report.problems.map(\.item) == [
                "FullReport", "device.operating-system.version", "management.declarations", "softwareupdate",
            ])
        #expect(!report.isFull)
    }

    @Test(
        "whole-body problems are rejections with a code",
        arguments: [
            ("{", "invalid_json"), ("[]", "invalid_report"), ("\"x\"", "invalid_report"), ("12", "invalid_report"),
            (#"{"StatusItems":[]}"#, "invalid_report"), (#"{"StatusItems":null}"#, "invalid_report"),
        ])
    func rejections(_ body: String, _ code: String) {
        #expect(throws: StatusReportRejection.self) { try parse(body) }
        do {
            _ = try parse(body)
        } catch let rejection as StatusReportRejection {
            #expect(rejection.code == code)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("JSON text escapes control characters and replaces NUL, which jsonb refuses")
    func jsonTextIsSafeForJSONB() {
        let value = JSONValue.object(["k": .string("a\"b\\c\n\u{0}\u{1}")])
        #expect(value.jsonText == "{\"k\":\"a\\\"b\\\\c\\n\u{FFFD}\\u0001\"}")
    }
}
