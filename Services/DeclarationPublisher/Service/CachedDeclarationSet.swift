// CachedDeclarationSet: one Mac's DDM answers as ready-to-send bytes.

import DeclarativeManagement
import EventBus
import FleetStore
import Foundation
import NIOCore

/// The bytes of every DDM answer for one Mac, built once from its stored set.
public struct CachedDeclarationSet: DeviceCacheEntry {
    /// The Mac.
    public let deviceID: UUID
    /// `DeclarationsToken`.
    public let declarationsToken: String
    /// The `tokens` body.
    public let tokens: ByteBuffer
    /// The `declaration-items` body.
    public let manifest: ByteBuffer
    /// The declaration bodies by kind and identifier.
    public let bodies: [StoredDeclarationSet.Key: ByteBuffer]

    /// Converts a stored set.
    public init(_ stored: StoredDeclarationSet) {
        deviceID = stored.deviceID
        declarationsToken = stored.declarationsToken
        tokens = ByteBuffer(string: stored.tokensJSON)
        manifest = ByteBuffer(string: stored.manifestJSON)
        bodies = stored.bodies.mapValues { ByteBuffer(string: $0) }
    }
}
