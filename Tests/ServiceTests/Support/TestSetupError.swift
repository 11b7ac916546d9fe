// TestSetupError: a test could not be set up (missing executable, unexpected exit, …).

/// A test could not be set up; its message says how to fix that.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
