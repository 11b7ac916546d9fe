// SVGChartTests: the console's chart builders, values → shapes → SVG text, and rows → chart values.

import Foundation
import ManagedOSDomain
import Testing

@testable import LibraryAPIService

@Suite("Console SVG charts")
struct SVGChartTests {
    @Test func horizontalBarWidthsAreProportionalAndTheLargestFillsThePlot() {
        let chart = SVGBarChart(
            data: [.init("Compliant", 8), .init("Pending", 4), .init("Overdue", 0), .init("Failed", 2)],
            width: 600, rowHeight: 30, labelWidth: 150, valueWidth: 50)
        let bars = chart.bars()
        #expect(bars.map(\.width) == [400, 200, 0, 100])
        #expect(bars.map(\.x) == [150, 150, 150, 150])
        #expect(bars.map(\.y) == [4, 34, 64, 94])
        #expect(bars.allSatisfy { $0.height == 22 })
        #expect(chart.height == 120)
    }

    @Test func verticalBarHeightsAreProportionalAndStandOnOneBaseline() {
        let chart = SVGBarChart(
            data: [.init("a", 1), .init("b", 4), .init("c", 2), .init("d", 0)], orientation: .vertical, width: 400,
            plotHeight: 100)
        let bars = chart.bars()
        #expect(bars.map(\.height) == [25, 100, 50, 0])
        #expect(bars.map { $0.y + $0.height } == [116, 116, 116, 116])
        #expect(bars.map(\.x) == [15, 115, 215, 315])
        #expect(bars.allSatisfy { $0.width == 70 })
    }

    @Test func theSVGNamesEveryBarWithItsLabelAndValue() {
        let svg = SVGBarChart(data: [.init("In progress", 3, key: "inProgress"), .init("<script>", 1)])
            .svg(id: "chart-state", title: "Macs by state")
        #expect(svg.hasPrefix(#"<svg id="chart-state" class="chart" role="img" aria-labelledby="chart-state-title""#))
        #expect(svg.contains(#"<title id="chart-state-title">Macs by state</title>"#))
        #expect(svg.contains(#"data-key="inProgress" data-label="In progress" data-value="3"><title>In progress: 3</title>"#))
        #expect(svg.contains(#"class="bar-inProgress""#))
        #expect(svg.contains(">In progress</text>"))
        #expect(svg.contains(">3</text>"))
        #expect(!svg.contains("<script>"), "labels are escaped")
        #expect(svg.contains("&lt;script&gt;"))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 2)
    }

    @Test func emptyDataDrawsNoBarsAndSaysSo() {
        for orientation in [SVGBarChart.Orientation.horizontal, .vertical] {
            let chart = SVGBarChart(data: [], orientation: orientation)
            #expect(chart.bars().isEmpty)
            let svg = chart.svg(id: "empty", title: "Nothing")
            #expect(svg.contains("No data"))
            #expect(!svg.contains("<rect"))
        }
        // All zeros: zero-length bars, no division by zero.
        let zeros = SVGBarChart(data: [.init("a", 0), .init("b", 0)]).bars()
        #expect(zeros.map(\.width) == [0, 0])
    }

    @Test func verticalLabelsCanBeThinnedButEveryValueKeepsItsTitle() {
        let data = (0..<10).map { SVGBarChart.Datum("d\($0)", $0) }
        let svg = SVGBarChart(data: data, orientation: .vertical, labelEvery: 5).svg(id: "t", title: "t")
        #expect(svg.components(separatedBy: #"class="label""#).count - 1 == 2)
        #expect(svg.components(separatedBy: "<title>").count - 1 == 10)
    }

    private func row(_ id: String, state: ComplianceStatus, os: String?, deadline: Date? = nil) -> ComplianceRowView {
        ComplianceRowView(
            deviceId: UUID(), enrollmentId: id, serialNumber: nil, blueprintId: nil, osVersion: os, state: state.rawValue,
            targetVersion: nil, targetBuild: nil, deadline: deadline, deadlineLocal: nil, daysRemaining: nil,
            failureReason: nil, lastReportAt: nil)
    }

    @Test func rowsBecomeStateVersionAndTimelineValues() {
        let now = Date(timeIntervalSince1970: 1_787_400_000)  // 2026-08-22 12:00 UTC
        let rows = [
            row("a", state: .pending, os: "26.1", deadline: now.addingTimeInterval(3600)),
            row("b", state: .pending, os: "26.0.1", deadline: now.addingTimeInterval(86_400 * 24 - 3600 * 5)),
            row("c", state: .compliant, os: "26.10"),
            row("d", state: .overdue, os: "26.1", deadline: now.addingTimeInterval(-86_400)),
            row("e", state: .unknown, os: nil, deadline: now.addingTimeInterval(86_400 * 40)),
        ]
        let states = ComplianceCharts.byState(rows)
        #expect(states.map(\.key) == ["compliant", "pending", "overdue", "inProgress", "failed", "unsupported", "unknown"])
        #expect(states.map(\.value) == [1, 2, 1, 0, 0, 0, 1])
        let versions = ComplianceCharts.byVersion(rows)
        #expect(versions.map(\.key) == ["26.10", "26.1", "26.0.1", "none"])
        #expect(versions.map(\.value) == [1, 2, 1, 1])
        let timeline = ComplianceCharts.timeline(rows, now: now)
        #expect(timeline.count == 30)
        #expect(timeline[0].key == "2026-08-22")
        #expect(timeline[0].value == 1)
        #expect(timeline[24].key == "2026-09-15")
        #expect(timeline[24].value == 1)
        #expect(timeline.map(\.value).reduce(0, +) == 2, "past and beyond-30-day deadlines are not drawn")
    }
}
