// Duration+FaultText: durations in the figures the fault tests print.

import Foundation

extension Duration {
    /// Seconds with two decimals, e.g. `3.07 s`.
    var faultText: String {
        String(format: "%.2f s", Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}
