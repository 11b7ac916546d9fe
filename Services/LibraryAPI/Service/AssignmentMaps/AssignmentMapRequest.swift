// AssignmentMapRequest: strict decoding and validation of an assignment-map body into the domain map.

import Database
import Foundation
import ManagedOSDomain

/// Decodes `{"name", "description"?, "root": node}`. Structural problems (unknown field, wrong type,
/// missing field) are 400 naming the field by path (`root.children[1].conditions[0].anyOf[2]`); rule
/// problems (unknown attribute, empty `anyOf`, duplicate node ids, too deep, unknown items) are collected
/// into one 422, each naming the node's path and id.
struct AssignmentMapRequest: Sendable {
    /// Deepest tree accepted (root = depth 1).
    static let maximumDepth = 32
    static let attributes = ["modelFamily", "modelIdentifier", "currentMajor", "tag"]

    var name: String
    var description: String
    var map: AssignmentMap
    /// Each node's path by id, to name nodes in later checks.
    var paths: [UUID: String]

    init(_ reader: JSONObjectReader) throws {
        try reader.requireOnly(["name", "description", "root"])
        name = try reader.string("name").trimmingCharacters(in: .whitespacesAndNewlines)
        description = try reader.optionalString("description") ?? ""
        var issues: [ItemValidationIssue] = []
        if name.isEmpty { issues.append(.init(field: "name", code: "required", message: "Enter a name.")) }
        var paths: [UUID: String] = [:]
        let root = try Self.node(try reader.object("root"), depth: 1, paths: &paths, issues: &issues)
        guard issues.isEmpty else { throw LibraryProblem.validationFailed(issues) }
        self.map = AssignmentMap(root: root)
        self.paths = paths
    }

    private static func node(
        _ reader: JSONObjectReader, depth: Int, paths: inout [UUID: String], issues: inout [ItemValidationIssue]
    ) throws -> AssignmentNode {
        try reader.requireOnly(["id", "conditions", "itemIds", "children"])
        let id = try reader.optionalUUID("id") ?? UUID()
        if paths[id] != nil {
            issues.append(
                .init(
                    field: reader.fieldName("id"), code: "duplicateNode",
                    message: "Node \(id.postgresText) appears twice (also at \(paths[id]!))."))
        }
        paths[id] = reader.path
        if depth > maximumDepth {
            issues.append(
                .init(
                    field: reader.path, code: "tooDeep",
                    message: "The map is deeper than \(maximumDepth) levels at node \(id.postgresText)."))
        }
        var conditions: [AssignmentCondition] = []
        for element in try reader.optionalObjectArray("conditions") {
            if let condition = try Self.condition(element, node: id, issues: &issues) { conditions.append(condition) }
        }
        let itemIDs = try reader.optionalUUIDArray("itemIds") ?? []
        var children: [AssignmentNode] = []
        for child in try reader.optionalObjectArray("children") {
            children.append(try node(child, depth: depth + 1, paths: &paths, issues: &issues))
        }
        return AssignmentNode(id: id, conditions: conditions, itemIDs: itemIDs, children: children)
    }

    private static func condition(
        _ reader: JSONObjectReader, node: UUID, issues: inout [ItemValidationIssue]
    ) throws -> AssignmentCondition? {
        try reader.requireOnly(["attribute", "anyOf"])
        let attribute = try reader.string("attribute")
        guard attributes.contains(attribute) else {
            issues.append(
                .init(
                    field: reader.fieldName("attribute"), code: "invalidChoice",
                    message: "Node \(node.postgresText): \"\(attribute)\" is not an attribute: use "
                        + attributes.joined(separator: ", ") + "."))
            return nil
        }
        let condition: AssignmentCondition
        if attribute == "currentMajor" {
            let values = try reader.intArray("anyOf")
            condition = .currentMajor(anyOf: Set(values))
            if values.isEmpty { issues.append(empty(reader, node: node)) }
        } else {
            guard let values = try reader.optionalStringArray("anyOf") else {
                throw LibraryProblem.badRequest(
                    field: reader.fieldName("anyOf"), code: "missing_field", message: "\(reader.fieldName("anyOf")) is required.")
            }
            if values.isEmpty || values.contains(where: { $0.isEmpty }) { issues.append(empty(reader, node: node)) }
            switch attribute {
            case "modelFamily": condition = .modelFamily(anyOf: Set(values))
            case "modelIdentifier": condition = .modelIdentifier(anyOf: Set(values))
            default: condition = .tag(anyOf: Set(values))
            }
        }
        return condition
    }

    private static func empty(_ reader: JSONObjectReader, node: UUID) -> ItemValidationIssue {
        .init(
            field: reader.fieldName("anyOf"), code: "empty",
            message: "Node \(node.postgresText): a condition needs at least one non-empty value.")
    }

    /// 422 for item ids that name no item, each naming its node.
    func checkItems(on connection: DatabaseConnection) throws {
        let unknown = try BlueprintStore.unknownItems(map.root.allItemIDs, on: connection)
        guard !unknown.isEmpty else { return }
        var issues: [ItemValidationIssue] = []
        func visit(_ node: AssignmentNode) {
            for (index, itemID) in node.itemIDs.enumerated() where unknown.contains(itemID) {
                let path = paths[node.id] ?? "root"
                issues.append(
                    .init(
                        field: "\(path).itemIds[\(index)]", code: "unknownItem",
                        message: "Node \(node.id.postgresText) at \(path): no library item with id \(itemID.postgresText)."))
            }
            node.children.forEach(visit)
        }
        visit(map.root)
        throw LibraryProblem.validationFailed(issues)
    }
}

extension JSONObjectReader {
    /// An optional array of objects (absent or null → empty); each element's reader is named `key[i]`.
    func optionalObjectArray(_ key: String) throws -> [JSONObjectReader] {
        guard let value = members[key], value != .null else { return [] }
        guard case .array(let elements) = value else {
            throw LibraryProblem.badRequest(
                field: fieldName(key), code: "wrong_type", message: "\(fieldName(key)) must be an array, not \(value.typeName).")
        }
        return try elements.enumerated().map { index, element in
            guard case .object(let members) = element else {
                throw LibraryProblem.badRequest(
                    field: "\(fieldName(key))[\(index)]", code: "wrong_type",
                    message: "\(fieldName(key))[\(index)] must be an object, not \(element.typeName).")
            }
            return JSONObjectReader(path: "\(fieldName(key))[\(index)]", members: members)
        }
    }

    /// A required array of integers.
    func intArray(_ key: String) throws -> [Int] {
        guard let value = members[key], value != .null else {
            throw LibraryProblem.badRequest(field: fieldName(key), code: "missing_field", message: "\(fieldName(key)) is required.")
        }
        guard case .array(let elements) = value else {
            throw LibraryProblem.badRequest(
                field: fieldName(key), code: "wrong_type", message: "\(fieldName(key)) must be an array, not \(value.typeName).")
        }
        return try elements.enumerated().map { index, element in
            guard case .number(let number) = element, number.rounded() == number, abs(number) < 1e9 else {
                throw LibraryProblem.badRequest(
                    field: "\(fieldName(key))[\(index)]", code: "wrong_type",
                    message: "\(fieldName(key))[\(index)] must be an integer, not \(element.typeName).")
            }
            return Int(number)
        }
    }
}
