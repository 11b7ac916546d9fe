// BusTopic: the names of the bus topics every service agrees on.

/// Topic names of the durable bus. Each event's `entity` is the id of what changed.
public enum BusTopic {
    /// A library item was created, changed or deleted (entity: item id).
    public static let library = "library"
    /// A blueprint or assignment map, or its items, changed (entity: blueprint id).
    public static let blueprint = "blueprint"
    /// Releases, approvals or the hold changed (entity: release id, or `settings`).
    public static let catalog = "catalog"
    /// A Mac was registered, changed, or reported a relevant status change (entity: device id).
    public static let device = "device"
    /// A Self Service request was created, cancelled or moved (entity: device id; payload has the request).
    public static let selfService = "selfservice"
    /// A Mac's plan or declaration set changed (entity: device id; payload `{"declarationsToken": …}`).
    public static let plan = "plan"
    /// Commands entered the outbox: entity the device id when one Mac's did, or `outbox` (payload
    /// `{"commands": n}`) when a batch queued commands for many Macs. The deliverer only needs the wake-up:
    /// it reads the outbox itself.
    public static let command = "command"
    /// An admin API token was revoked (entity: the token's name). library-api's replicas drop the callers they
    /// keep authenticated when they hear it.
    public static let token = "token"
}
