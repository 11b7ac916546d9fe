// Duration+Seconds: durations as fractional seconds, the unit of `*.duration` log metadata.

extension Duration {
    /// The duration in seconds, e.g. `0.0123`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
