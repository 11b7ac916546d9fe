// AssignmentMapDocument: the admin API's JSON shape of an assignment map (a node tree) and its conversion
// to and from the domain `AssignmentMap`.

import Foundation
import ManagedOSDomain

/// One node as the API reads and writes it: `{"id", "conditions": [{"attribute", "anyOf"}], "itemIds", "children"}`.
struct AssignmentNodeDocument: Codable, Sendable, Equatable {
    /// One condition: `attribute` is `modelFamily`, `modelIdentifier`, `currentMajor` (integers) or `tag`.
    struct Condition: Codable, Sendable, Equatable {
        var attribute: String
        var anyOf: [ConditionValue]
    }

    /// A condition value: text, or an integer for `currentMajor`.
    enum ConditionValue: Codable, Sendable, Equatable {
        case text(String)
        case integer(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) { self = .integer(value) } else {
                self = .text(try container.decode(String.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            }
        }
    }

    var id: UUID
    var conditions: [Condition]
    var itemIds: [UUID]
    var children: [AssignmentNodeDocument]

    /// The document of a domain node (condition values sorted).
    init(_ node: AssignmentNode) {
        id = node.id
        conditions = node.conditions.map { condition in
            switch condition {
            case .modelFamily(let values): Condition(attribute: "modelFamily", anyOf: values.sorted().map { .text($0) })
            case .modelIdentifier(let values):
                Condition(attribute: "modelIdentifier", anyOf: values.sorted().map { .text($0) })
            case .currentMajor(let values): Condition(attribute: "currentMajor", anyOf: values.sorted().map { .integer($0) })
            case .tag(let values): Condition(attribute: "tag", anyOf: values.sorted().map { .text($0) })
            }
        }
        itemIds = node.itemIDs
        children = node.children.map(AssignmentNodeDocument.init)
    }
}

/// An assignment-map blueprint as the API returns it.
struct AssignmentMapView: Codable, Sendable, Equatable {
    var id: UUID
    var name: String
    var description: String
    var kind: String = "assignmentMap"
    var root: AssignmentNodeDocument
    /// Every item the map assigns anywhere, sorted.
    var itemIds: [UUID]
    /// Macs whose blueprint is this map.
    var deviceCount: Int
    var createdAt: Date
    var updatedAt: Date
}
