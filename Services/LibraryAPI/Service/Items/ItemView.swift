// ItemView: a stored item as the API returns it (configuration, assignment and timestamps).

import Foundation
import HTTPTypes
import ManagedOSDomain

/// An item's document plus `blueprintIds`, `createdAt` and `updatedAt`, as one flat JSON object.
struct ItemView: Encodable, Sendable {
    var document: ItemDocument
    var blueprintIds: [UUID]
    var createdAt: Date
    var updatedAt: Date

    private enum CodingKeys: String, CodingKey {
        case blueprintIds, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blueprintIds, forKey: .blueprintIds)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// The answer to a create or update: the stored item and the save warnings.
struct ItemSaveResponse: Encodable, Sendable {
    var item: ItemView
    var warnings: [ItemSaveWarning]
}

/// The answer to a delete.
struct ItemDeleteResponse: Encodable, Sendable {
    var id: UUID
    var deleted: Bool
    /// Macs that were governed by the item and no longer are.
    var macsLosingItem: Int
}
