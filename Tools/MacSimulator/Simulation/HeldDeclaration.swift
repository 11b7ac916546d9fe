// HeldDeclaration: a declaration a simulated Mac holds, as `management.declarations` reports it.

/// One entry of the Mac's `management.declarations` status item.
public struct HeldDeclaration: Sendable, Hashable {
    /// `activations`, `assets`, `configurations` or `management` (the manifest's lower-cased key).
    public var kind: String
    public var identifier: String
    public var serverToken: String

    /// Creates a value from its parts.
    public init(kind: String, identifier: String, serverToken: String) {
        self.kind = kind
        self.identifier = identifier
        self.serverToken = serverToken
    }
}
