// Blueprint: the one blueprint a Mac belongs to, classic (a list of items) or an assignment map.

import Foundation

/// A blueprint (DOMAIN.md §4): each Mac belongs to exactly one.
public struct Blueprint: Sendable, Hashable, Codable, Identifiable {
    /// How a blueprint assigns items.
    public enum Layout: Sendable, Hashable, Codable {
        /// Every Mac of the blueprint gets every listed item.
        case classic(itemIDs: [UUID])
        /// Items depend on the Mac's matching path through the map.
        case assignmentMap(AssignmentMap)
    }

    /// Stable identifier.
    public var id: UUID
    /// Display name.
    public var name: String
    /// How items are assigned.
    public var layout: Layout

    /// Creates a value from its parts.
    public init(id: UUID, name: String, layout: Layout) {
        self.id = id
        self.name = name
        self.layout = layout
    }

    /// The item ids reaching a Mac with `attributes`, in order, without duplicates.
    public func itemIDs(for attributes: MacAttributes) -> [UUID] {
        switch layout {
        case .classic(let ids):
            var seen = Set<UUID>()
            return ids.filter { seen.insert($0).inserted }
        case .assignmentMap(let map):
            return map.itemIDs(for: attributes)
        }
    }
}
