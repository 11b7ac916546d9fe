// BusEvent: one durable event as consumers see it, and the draft a publisher writes.

import Database
import Foundation

/// A published event: a row in `bus_events`, read by consumers in id order.
public struct BusEvent: Sendable, Hashable {
    /// Monotonically increasing; assigned in commit order.
    public let id: Int64
    /// What the event is about (`library`, `catalog`, `targets`, `device`, `selfservice`).
    public let topic: String
    /// The entity it concerns (an item id, a device id, …).
    public let entity: String
    /// A small JSON payload.
    public let payload: PostgresJSON
    /// When it was published.
    public let publishedAt: Date
}

/// An event to publish: topic, entity and a small JSON payload (default `{}`).
public struct BusEventDraft: Sendable, Hashable {
    public var topic: String
    public var entity: String
    public var payload: PostgresJSON

    public init(topic: String, entity: String, payload: PostgresJSON = PostgresJSON(text: "{}")) {
        self.topic = topic
        self.entity = entity
        self.payload = payload
    }
}

extension BusEventDraft {
    /// The `command` event of a batch that queued commands for `count` Macs (see `BusTopic.command`).
    public static func outboxQueued(count: Int) -> BusEventDraft {
        BusEventDraft(
            topic: BusTopic.command, entity: "outbox", payload: PostgresJSON(text: "{\"commands\": \(count)}"))
    }
}
