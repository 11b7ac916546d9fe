// StoredDeclarationSet: a Mac's declaration set as the declaration-publisher reads it back (exact bytes served).

import DeclarativeManagement
import Foundation

/// One Mac's stored declaration set: the bytes of every DDM answer for it. A Mac that is registered but has
/// no set yet reads as an empty set stamped with its registration instant, so every replica answers alike.
public struct StoredDeclarationSet: Sendable, Hashable {
    /// Key of one declaration: its kind and identifier.
    public struct Key: Sendable, Hashable {
        /// activation, asset, configuration or management.
        public var kind: DeclarationKind
        /// `Identifier`.
        public var identifier: String

        /// Creates a key.
        public init(kind: DeclarationKind, identifier: String) {
            self.kind = kind
            self.identifier = identifier
        }
    }

    /// The Mac.
    public var deviceID: UUID
    /// Its enrollment id (`X-Enrollment-ID`).
    public var enrollmentID: String
    /// `DeclarationsToken`.
    public var declarationsToken: String
    /// The `declaration-items` body.
    public var manifestJSON: String
    /// The `tokens` body.
    public var tokensJSON: String
    /// When the set last changed (the `tokens` Timestamp, whole seconds).
    public var changedAt: Date
    /// The declaration bodies by kind and identifier.
    public var bodies: [Key: String]

    /// Creates a value from its parts.
    public init(
        deviceID: UUID, enrollmentID: String, declarationsToken: String, manifestJSON: String, changedAt: Date,
        bodies: [Key: String]
    ) {
        self.deviceID = deviceID
        self.enrollmentID = enrollmentID
        self.declarationsToken = declarationsToken
        self.manifestJSON = manifestJSON
        self.changedAt = changedAt
        self.tokensJSON = DeclarationSet.tokensJSON(declarationsToken: declarationsToken, timestamp: changedAt)
        self.bodies = bodies
    }
}
