// SimulatorError: a failure the simulator reports and stops on (bad answer from a service, bad arguments).

/// A failure with a message meant for the person running the simulator.
struct SimulatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
