// SVGBarChart: a pure bar chart builder (values → bar shapes → inline SVG text) for the console's charts.

import Foundation
import HTTPTypes

/// A bar chart drawn on the server as inline SVG, readable without JavaScript. `bars()` lays the values out
/// as shapes (pure geometry, unit-tested); `svg(id:title:)` renders them with a `<title>` and a visible label
/// and value for every bar, so screen readers and text searches find the numbers.
struct SVGBarChart: Sendable, Equatable {
    /// Which way the bars grow.
    enum Orientation: Sendable, Equatable {
        /// One row per value, bars growing to the right (labels on the left).
        case horizontal
        /// One column per value, bars growing upwards (labels below).
        case vertical
    }

    /// One value to draw.
    struct Datum: Sendable, Equatable {
        /// Shown next to the bar.
        var label: String
        var value: Int
        /// A stable key for styling and tests (`data-key`); defaults to the label.
        var key: String

        init(_ label: String, _ value: Int, key: String? = nil) {
            self.label = label
            self.value = value
            self.key = key ?? label
        }
    }

    /// One laid-out bar.
    struct Bar: Sendable, Equatable {
        var datum: Datum
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    var data: [Datum]
    var orientation: Orientation = .horizontal
    /// Horizontal: the whole width; vertical: the plot width (bars share it).
    var width: Double = 560
    /// Horizontal: the height of one row; vertical: the plot height.
    var rowHeight: Double = 26
    var plotHeight: Double = 160
    /// Horizontal: room for the labels on the left; room for the value on the right.
    var labelWidth: Double = 150
    var valueWidth: Double = 50
    /// Vertical: label every n-th column only (all values stay in the bars' titles and data attributes).
    var labelEvery: Int = 1

    /// The largest value (at least 1, so empty or all-zero data draws zero-length bars).
    var scaleMaximum: Int { max(1, data.map(\.value).max() ?? 0) }

    /// The bars: lengths proportional to the values, the largest filling the plot.
    func bars() -> [Bar] {
        let maximum = Double(scaleMaximum)
        switch orientation {
        case .horizontal:
            let plot = width - labelWidth - valueWidth
            return data.enumerated().map { index, datum in
                Bar(
                    datum: datum, x: labelWidth, y: Double(index) * rowHeight + 4,
                    width: plot * Double(max(0, datum.value)) / maximum, height: rowHeight - 8)
            }
        case .vertical:
            guard !data.isEmpty else { return [] }
            let slot = width / Double(data.count)
            let top = 16.0
            return data.enumerated().map { index, datum in
                let height = plotHeight * Double(max(0, datum.value)) / maximum
                return Bar(
                    datum: datum, x: Double(index) * slot + slot * 0.15, y: top + plotHeight - height,
                    width: slot * 0.7, height: height)
            }
        }
    }

    /// The chart's total height.
    var height: Double {
        switch orientation {
        case .horizontal: max(rowHeight, Double(data.count) * rowHeight)
        case .vertical: 16 + plotHeight + 34
        }
    }

    /// The SVG element with `id`, titled `title` (also its accessible name).
    func svg(id: String, title: String) -> String {
        let escapedTitle = HTMLText.escape(title)
        var out = """
            <svg id="\(HTMLText.escape(id))" class="chart\(orientation == .vertical ? " timeline" : "")" role="img" aria-labelledby="\(HTMLText.escape(id))-title" \
            viewBox="0 0 \(format(width)) \(format(height))" preserveAspectRatio="xMinYMin meet" \
            xmlns="http://www.w3.org/2000/svg"><title id="\(HTMLText.escape(id))-title">\(escapedTitle)</title>
            """
        let laidOut = bars()
        if laidOut.isEmpty {
            out += "<text class=\"empty\" x=\"8\" y=\"18\">No data</text></svg>"
            return out
        }
        if orientation == .vertical {
            out += "<line class=\"baseline\" x1=\"0\" y1=\"\(format(16 + plotHeight))\" x2=\"\(format(width))\" "
                + "y2=\"\(format(16 + plotHeight))\" stroke=\"#8e8e93\"></line>"
        }
        for (index, bar) in laidOut.enumerated() {
            let label = HTMLText.escape(bar.datum.label)
            let key = HTMLText.escape(bar.datum.key)
            out += "<g class=\"bar\" data-key=\"\(key)\" data-label=\"\(label)\" data-value=\"\(bar.datum.value)\">"
            out += "<title>\(label): \(bar.datum.value)</title>"
            out += "<rect class=\"bar-\(key.cssSafe)\" x=\"\(format(bar.x))\" y=\"\(format(bar.y))\" "
                + "width=\"\(format(bar.width))\" height=\"\(format(bar.height))\"></rect>"
            switch orientation {
            case .horizontal:
                let middle = format(bar.y + bar.height / 2 + 4)
                out += "<text class=\"label\" x=\"\(format(labelWidth - 6))\" y=\"\(middle)\" text-anchor=\"end\">\(label)</text>"
                out += "<text class=\"value\" x=\"\(format(bar.x + bar.width + 6))\" y=\"\(middle)\">\(bar.datum.value)</text>"
            case .vertical:
                let center = format(bar.x + bar.width / 2)
                if bar.datum.value > 0 {
                    out += "<text class=\"value\" x=\"\(center)\" y=\"\(format(bar.y - 3))\" text-anchor=\"middle\">"
                        + "\(bar.datum.value)</text>"
                }
                if index % max(1, labelEvery) == 0 {
                    // The first label starts at its bar so it is never cut at the left edge.
                    let (x, anchor) = index == 0 ? (format(bar.x), "start") : (center, "middle")
                    out += "<text class=\"label\" x=\"\(x)\" y=\"\(format(16 + plotHeight + 14))\" "
                        + "text-anchor=\"\(anchor)\">\(label)</text>"
                }
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension String {
    /// Letters, digits and `-` only (for class names built from keys).
    fileprivate var cssSafe: String {
        String(unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "-" })
    }
}
