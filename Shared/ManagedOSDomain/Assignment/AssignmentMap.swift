// AssignmentMap: a tree of conditional nodes; a Mac collects the items of every node on its matching path.

import Foundation

/// One node of an assignment map: conditions, the items it assigns, and ordered child branches.
public struct AssignmentNode: Sendable, Hashable, Codable, Identifiable {
    /// Stable identifier.
    public var id: UUID
    /// All must match for the node to match; an empty list always matches (an "else" branch).
    public var conditions: [AssignmentCondition]
    /// Items assigned to Macs whose path passes through this node.
    public var itemIDs: [UUID]
    /// Ordered branches below this node.
    public var children: [AssignmentNode]

    /// Creates a value from its parts.
    public init(id: UUID, conditions: [AssignmentCondition] = [], itemIDs: [UUID] = [], children: [AssignmentNode] = [])
    {
        self.id = id
        self.conditions = conditions
        self.itemIDs = itemIDs
        self.children = children
    }

    /// Whether every condition matches `attributes`.
    public func matches(_ attributes: MacAttributes) -> Bool { conditions.allSatisfy { $0.matches(attributes) } }
}

/// An assignment map (DOMAIN.md §4): a tree of conditional nodes.
///
/// Matching semantics: a node matches when **all** its conditions match (no conditions = always).
/// Starting from `root`, a Mac follows **one path**: at each level it enters the **first** child, in
/// order, that matches (siblings are if / else-if branches; put an unconditional node last as the
/// "else"). Children are visited only when their parent matches. The Mac collects the items of every
/// node on that path, root first. When no child matches, the path ends at the parent.
public struct AssignmentMap: Sendable, Hashable, Codable {
    /// The root node (usually without conditions).
    public var root: AssignmentNode

    /// Creates a value from its parts.
    public init(root: AssignmentNode) { self.root = root }

    /// The nodes on the matching path of a Mac, root first; empty when the root itself does not match.
    public func matchingPath(for attributes: MacAttributes) -> [AssignmentNode] {
        guard root.matches(attributes) else { return [] }
        var path = [root]
        var current = root
        while let next = current.children.first(where: { $0.matches(attributes) }) {
            path.append(next)
            current = next
        }
        return path
    }

    /// Items collected along the matching path, in path order, without duplicates.
    public func itemIDs(for attributes: MacAttributes) -> [UUID] {
        var seen = Set<UUID>()
        return matchingPath(for: attributes).flatMap(\.itemIDs).filter { seen.insert($0).inserted }
    }
}
