// BlueprintView: a classic blueprint as the API returns it.

import Foundation
import HTTPTypes

/// A classic blueprint: a named list of library items, and how many Macs belong to it.
struct BlueprintView: Codable, Sendable, Equatable {
    var id: UUID
    var name: String
    var description: String
    /// `classic`, or `assignmentMap` (edit those under /v1/assignment-maps; their items are not listed here).
    var kind: String
    var itemIds: [UUID]
    var deviceCount: Int
    var createdAt: Date
    var updatedAt: Date
}
