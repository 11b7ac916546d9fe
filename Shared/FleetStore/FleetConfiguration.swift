// FleetConfiguration: the catalog, items and blueprints at one moment, and which items reach a Mac.

import Database
import Foundation
import ManagedOSDomain

/// Everything besides a Mac's own state that its evaluation needs: the catalog, the library items and the
/// blueprints. Loaded once per batch (scheduler) or request (previews).
public struct FleetConfiguration: Sendable {
    /// The release catalog with the approval policy.
    public var catalog: ReleaseCatalog
    /// Library items by id.
    public var items: [UUID: ManagedOSItem]
    /// Blueprints by id.
    public var blueprints: [UUID: Blueprint]

    /// Creates a value from its parts.
    public init(catalog: ReleaseCatalog, items: [UUID: ManagedOSItem], blueprints: [UUID: Blueprint]) {
        self.catalog = catalog
        self.items = items
        self.blueprints = blueprints
    }

    /// Reads the catalog, items and blueprints (use a transaction for a consistent view).
    public static func load(on connection: DatabaseConnection) throws -> FleetConfiguration {
        FleetConfiguration(
            catalog: try CatalogStore.load(on: connection), items: try AssignmentStore.items(on: connection),
            blueprints: try AssignmentStore.blueprints(on: connection))
    }

    /// The ids of the items that reach `mac` through its blueprint (classic list or assignment-map path),
    /// in order; items that no longer exist are left out.
    public func itemIDs(for mac: FleetMacRecord) -> [UUID] {
        guard let blueprintID = mac.blueprintID, let blueprint = blueprints[blueprintID] else { return [] }
        return blueprint.itemIDs(for: mac.attributes).filter { items[$0] != nil }
    }

    /// The items that reach `mac`, in order.
    public func items(for mac: FleetMacRecord) -> [ManagedOSItem] { itemIDs(for: mac).compactMap { items[$0] } }
}
