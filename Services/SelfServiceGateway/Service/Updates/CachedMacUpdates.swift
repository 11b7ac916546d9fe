// CachedMacUpdates: one Mac's GET /v1/me/updates answer as ready-to-send bytes, with how long they hold.

import Digests
import EventBus
import Foundation
import ManagedOSDomain
import NIOCore

/// A Mac's answer rendered from its ``MacUpdatesSource`` at one instant. The answer depends on the clock only
/// through days remaining and `due`, so the bytes hold until the first instant either changes
/// (``DaysRemaining/nextChange(until:from:)`` of each deadline); after that the Mac's answer is read again.
struct CachedMacUpdates: DeviceCacheEntry {
    /// Looked up by the credential's digest.
    typealias Key = SHA256Key
    let deviceID: UUID
    /// The encoded ``MacUpdatesView``.
    let body: ByteBuffer
    /// When the bytes were rendered.
    let renderedAt: Date
    /// The first instant the bytes no longer hold; nil when no deadline is ahead.
    let validUntil: Date?

    /// Renders `source` at `now`.
    init(_ source: MacUpdatesSource, now: Date) throws {
        deviceID = source.deviceID
        body = try JSONResponse.body(MacUpdatesView(source, now: now))
        renderedAt = now
        validUntil = [source.os?.deadline, source.bsi?.deadline].compactMap { deadline in
            deadline.flatMap { DaysRemaining.nextChange(until: $0, from: now) }
        }.min()
    }

    /// Whether the bytes are the answer at `now`.
    func holds(at now: Date) -> Bool {
        renderedAt <= now && (validUntil.map { now < $0 } ?? true)
    }
}
