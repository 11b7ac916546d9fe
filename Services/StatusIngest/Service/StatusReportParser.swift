// StatusReportParser: raw body bytes → StatusReport, or a StatusReportRejection naming why the body is unusable.

import Foundation

/// Why a status body was refused as a whole (answered with 400, nothing stored).
public struct StatusReportRejection: Error, Sendable, Equatable {
    /// A stable code, e.g. `invalid_json`.
    public var code: String
    /// A sentence naming the problem.
    public var message: String
}

/// Parses DDM status reports (ADM `declarative/protocol/statusreport.yaml` and `declarative/status/*.yaml`).
///
/// The body must be UTF-8 JSON whose top level is an object with a `StatusItems` object; anything else is a
/// ``StatusReportRejection``. Inside, a known item with a wrong type becomes a ``StatusParseProblem`` and the
/// rest of the report is kept.
public enum StatusReportParser {
    /// How a known status item's value is checked.
    enum ItemKind {
        case string
        case object
        case pendingVersion
        case failureReason
        case installReason
        case declarations
    }

    /// The status items the product reads, with their expected shapes.
    static let knownItems: [String: ItemKind] = [
        "device.operating-system.version": .string,
        "device.operating-system.build-version": .string,
        "device.operating-system.supplemental.build-version": .string,
        "device.operating-system.supplemental.extra-version": .string,
        "device.operating-system.marketing-name": .string,
        "device.operating-system.family": .string,
        "device.model.identifier": .string,
        "device.model.family": .string,
        "device.model.marketing-name": .string,
        "device.model.number": .string,
        "device.identifier.serial-number": .string,
        "device.identifier.udid": .string,
        "softwareupdate.install-state": .string,
        "softwareupdate.pending-version": .pendingVersion,
        "softwareupdate.failure-reason": .failureReason,
        "softwareupdate.install-reason": .installReason,
        "softwareupdate.beta-enrollment": .string,
        "softwareupdate.device-id": .string,
        "management.declarations": .declarations,
        "management.client-capabilities": .object,
    ]

    /// Every proper prefix of a known item (`device`, `device.operating-system`, …): these must be objects.
    static let knownContainers: Set<String> = {
        var prefixes = Set<String>()
        for name in knownItems.keys {
            var parts = name.split(separator: ".").map(String.init)
            parts.removeLast()
            while !parts.isEmpty {
                prefixes.insert(parts.joined(separator: "."))
                parts.removeLast()
            }
        }
        return prefixes
    }()

    /// Parses a body. Throws ``StatusReportRejection`` when it is not a usable report.
    public static func parse(_ body: [UInt8]) throws(StatusReportRejection) -> StatusReport {
        guard String(validating: body, as: UTF8.self) != nil else {
            throw StatusReportRejection(code: "invalid_utf8", message: "The request body is not valid UTF-8.")
        }
        let document: JSONValue
        do {
            document = try JSONValueParser.parse(body)
        } catch {
            throw StatusReportRejection(
                code: "invalid_json",
                message: "The request body is not valid JSON (\(error.reason) at byte \(error.offset)).")
        }
        guard let top = document.objectValue else {
            throw StatusReportRejection(
                code: "invalid_report",
                message: "The status report must be a JSON object, got \(document.typeName).")
        }
        guard let statusItems = top["StatusItems"] else {
            throw StatusReportRejection(
                code: "invalid_report", message: "The status report has no StatusItems object.")
        }
        guard let itemObject = statusItems.objectValue else {
            throw StatusReportRejection(
                code: "invalid_report", message: "StatusItems must be an object, got \(statusItems.typeName).")
        }
        var report = StatusReport(items: [:], isFull: false)
        flatten(itemObject, path: "", into: &report)
        switch top["FullReport"] {
        case nil, .null: break
        case .bool(let full): report.isFull = full
        case .some(let other):
            report.problems.append(
                StatusParseProblem(item: "FullReport", message: "expected a boolean, got \(other.typeName)"))
        }
        switch top["Errors"] {
        case nil, .null: break
        case .array(let errors): report.errors = .array(errors)
        case .some(let other):
            report.problems.append(
                StatusParseProblem(item: "Errors", message: "expected an array, got \(other.typeName)"))
        }
        report.problems.sort { $0.item < $1.item }
        return report
    }

    /// Walks `object` (at dotted `path`), storing known items that check out and every unknown leaf.
    static func flatten(_ object: [String: JSONValue], path: String, into report: inout StatusReport) {
        for (key, value) in object {
            let name = path.isEmpty ? key : path + "." + key
            if let kind = knownItems[name] {
                if let problem = check(value, as: kind) {
                    report.problems.append(StatusParseProblem(item: name, message: problem))
                } else {
                    report.items[name] = value
                }
            } else if knownContainers.contains(name) {
                if let members = value.objectValue {
                    flatten(members, path: name, into: &report)
                } else {
                    report.problems.append(
                        StatusParseProblem(item: name, message: "expected an object, got \(value.typeName)"))
                }
            } else if let members = value.objectValue, !members.isEmpty {
                flatten(members, path: name, into: &report)
            } else {
                report.items[name] = value
            }
        }
    }

    /// Checks a known item's value; returns what is wrong, or nil when it is usable.
    static func check(_ value: JSONValue, as kind: ItemKind) -> String? {
        switch kind {
        case .string:
            if let problem = expect(value, "a string", { $0.stringValue != nil }) { return problem }
            return checkLength(value.stringValue!)
        case .object:
            return expect(value, "an object") { $0.objectValue != nil }
        case .pendingVersion:
            guard let members = value.objectValue else { return "expected an object, got \(value.typeName)" }
            return checkMembers(members, strings: ["os-version", "build-version", "target-local-date-time"])
        case .failureReason:
            guard let members = value.objectValue else { return "expected an object, got \(value.typeName)" }
            if let count = members["count"] {
                guard case .int(let number) = count, number >= 0, number <= Int64(Int32.max) else {
                    return "count: expected a non-negative integer, got \(count.typeName)"
                }
            }
            return checkMembers(members, strings: ["reason", "timestamp"])
        case .installReason:
            guard let members = value.objectValue else { return "expected an object, got \(value.typeName)" }
            if let reasons = members["reason"] {
                guard case .array(let elements) = reasons, elements.allSatisfy({ $0.stringValue != nil }) else {
                    return "reason: expected an array of strings, got \(reasons.typeName)"
                }
            }
            return checkMembers(members, strings: ["declaration-id"])
        case .declarations:
            guard let members = value.objectValue else { return "expected an object, got \(value.typeName)" }
            for (kind, list) in members.sorted(by: { $0.key < $1.key }) {
                guard case .array(let declarations) = list else {
                    return "\(kind): expected an array, got \(list.typeName)"
                }
                for (index, declaration) in declarations.enumerated() {
                    guard let fields = declaration.objectValue else {
                        return "\(kind)[\(index)]: expected an object, got \(declaration.typeName)"
                    }
                    guard fields["identifier"]?.stringValue != nil else {
                        return "\(kind)[\(index)].identifier: expected a string"
                    }
                    if let problem = checkMembers(fields, strings: ["server-token", "valid"]) {
                        return "\(kind)[\(index)].\(problem)"
                    }
                    if let active = fields["active"] {
                        guard case .bool = active else {
                            return "\(kind)[\(index)].active: expected a boolean, got \(active.typeName)"
                        }
                    }
                }
            }
            return nil
        }
    }

    private static func expect(_ value: JSONValue, _ expected: String, _ test: (JSONValue) -> Bool) -> String? {
        test(value) ? nil : "expected \(expected), got \(value.typeName)"
    }

    /// The longest value of a known string item or member, in UTF-8 bytes. Apple's values are short (versions,
    /// builds, names, tokens); longer ones are refused as a problem, which also keeps them out of the btree
    /// index on `device_status (os_version, build_version)`, whose rows PostgreSQL caps at about 2.7 kB (a
    /// 500 kB version made the whole batch fail with a 500 before this limit).
    static let maximumKnownStringBytes = 1024

    private static func checkLength(_ text: String) -> String? {
        text.utf8.count <= maximumKnownStringBytes
            ? nil : "expected at most \(maximumKnownStringBytes) bytes, got \(text.utf8.count)"
    }

    /// Each listed member, when present, must be a string of at most ``maximumKnownStringBytes``.
    private static func checkMembers(_ members: [String: JSONValue], strings: [String]) -> String? {
        for key in strings {
            guard let member = members[key] else { continue }
            guard let text = member.stringValue else {
                return "\(key): expected a string, got \(member.typeName)"
            }
            if let problem = checkLength(text) { return "\(key): \(problem)" }
        }
        return nil
    }
}
