// StatusColumns: device_status's typed columns, derived from the status items in Swift (migration 0022).

import Database
import Foundation

/// The typed columns of a Mac's `device_status` row that compliance, the scheduler and Self Service read:
/// each comes from one status item. status-ingest derives them from the parsed report once per Mac and batch
/// (PostgreSQL computing them from the merged JSON was most of the state update's cost), and compares them
/// with the stored ones to decide whether a `device` event is due.
struct StatusColumns: Equatable {
    var osVersion: String?
    var buildVersion: String?
    var supplementalBuildVersion: String?
    var supplementalExtraVersion: String?
    var modelIdentifier: String?
    var modelFamily: String?
    var installState: String?
    var pendingOSVersion: String?
    var pendingBuildVersion: String?
    var targetLocalDateTime: String?
    var failureCount: Int?
    var failureReason: String?
    /// `declaration_server_tokens`: `<kind>/<identifier>` → server token of every declaration the Mac reported,
    /// as the JSON text PostgreSQL prints for the jsonb value, so the stored text compares without parsing.
    var declarationServerTokensText = "{}"

    /// The status items behind the columns.
    enum Item {
        static let osVersion = "device.operating-system.version"
        static let buildVersion = "device.operating-system.build-version"
        static let supplementalBuildVersion = "device.operating-system.supplemental.build-version"
        static let supplementalExtraVersion = "device.operating-system.supplemental.extra-version"
        static let modelIdentifier = "device.model.identifier"
        static let modelFamily = "device.model.family"
        static let installState = "softwareupdate.install-state"
        static let pendingVersion = "softwareupdate.pending-version"
        static let failureReason = "softwareupdate.failure-reason"
        static let declarations = "management.declarations"
    }

    /// The columns of a state holding exactly `items` (a Mac's first state, or after a full report).
    init(items: [String: JSONValue]) {
        self.init()
        apply(items, replacingAll: true)
    }

    /// No columns set (a state without items).
    init() {}

    /// The columns after `change`: a full change derives them all from its items; an incremental one only
    /// those whose item it carries, the others stay.
    func movedForward(by change: FoldedChange) -> StatusColumns {
        var next = self
        next.apply(change.items, replacingAll: change.isFull)
        return next
    }

    /// Whether anything the scheduler or the Self Service gateway reacts to differs (the model does not count).
    func differsRelevantly(from other: StatusColumns) -> Bool {
        var mine = self
        mine.modelIdentifier = other.modelIdentifier
        mine.modelFamily = other.modelFamily
        return mine != other
    }

    private mutating func apply(_ items: [String: JSONValue], replacingAll: Bool) {
        func take(_ name: String, _ update: (inout StatusColumns, JSONValue?) -> Void) {
            let value = items[name]
            if replacingAll || value != nil { update(&self, value) }
        }
        take(Item.osVersion) { $0.osVersion = $1?.stringValue }
        take(Item.buildVersion) { $0.buildVersion = $1?.stringValue }
        take(Item.supplementalBuildVersion) { $0.supplementalBuildVersion = $1?.stringValue }
        take(Item.supplementalExtraVersion) { $0.supplementalExtraVersion = $1?.stringValue }
        take(Item.modelIdentifier) { $0.modelIdentifier = $1?.stringValue }
        take(Item.modelFamily) { $0.modelFamily = $1?.stringValue }
        take(Item.installState) { $0.installState = $1?.stringValue }
        take(Item.pendingVersion) { columns, value in
            let members = value?.objectValue
            columns.pendingOSVersion = members?["os-version"]?.stringValue
            columns.pendingBuildVersion = members?["build-version"]?.stringValue
            columns.targetLocalDateTime = members?["target-local-date-time"]?.stringValue
        }
        take(Item.failureReason) { columns, value in
            let members = value?.objectValue
            if case .int(let count) = members?["count"] { columns.failureCount = Int(count) } else { columns.failureCount = nil }
            columns.failureReason = members?["reason"]?.stringValue
        }
        take(Item.declarations) { columns, value in
            columns.declarationServerTokensText = Self.jsonbText(Self.serverTokens(value))
        }
    }

    /// `<kind>/<identifier>` → server token (JSON null when a declaration carries none) of each declaration in
    /// a `management.declarations` value; a later duplicate wins, as in `status_declaration_tokens` (0003).
    static func serverTokens(_ declarations: JSONValue?) -> [(key: String, value: JSONValue)] {
        var tokens: [(key: String, value: JSONValue)] = []
        guard let kinds = declarations?.objectValue else { return tokens }
        for (kind, list) in kinds {
            guard case .array(let elements) = list else { continue }
            for element in elements {
                guard let fields = element.objectValue, let identifier = fields["identifier"]?.stringValue else {
                    continue
                }
                tokens.append((kind + "/" + identifier, fields["server-token"] ?? .null))
            }
        }
        return tokens
    }

    /// An object's text as PostgreSQL prints it as jsonb: keys shortest first, then bytewise, a later duplicate
    /// winning; `": "` and `", "` between; strings escaped as `escape_json` does. (Tokens are strings or null;
    /// another value is written compactly, which at worst makes one report look like a change.)
    static func jsonbText(_ members: [(key: String, value: JSONValue)]) -> String {
        // Sorted by jsonb's key order, equal keys by position, so the last of equal keys is the one kept.
        let order = members.indices.sorted { left, right in
            let a = members[left].key.utf8, b = members[right].key.utf8
            if a.count != b.count { return a.count < b.count }
            if a.elementsEqual(b) { return left < right }
            return a.lexicographicallyPrecedes(b)
        }
        var utf8: [UInt8] = [UInt8(ascii: "{")]
        utf8.reserveCapacity(64 * members.count + 2)
        var first = true
        for (position, index) in order.enumerated() {
            if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
            if !first { utf8.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
            first = false
            writeJSONBString(members[index].key, into: &utf8)
            utf8.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            switch members[index].value {
            case .string(let text): writeJSONBString(text, into: &utf8)
            default: members[index].value.write(into: &utf8)
            }
        }
        utf8.append(UInt8(ascii: "}"))
        return String(decoding: utf8, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A string literal as PostgreSQL's `escape_json` writes it (U+0000, which jsonb refuses, as U+FFFD).
    private static func writeJSONBString(_ text: String, into utf8: inout [UInt8]) {
        utf8.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0x08: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\""): utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x00: utf8.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD, as in the stored items
            case ..<0x20:
                utf8.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                utf8.append(contentsOf: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            default: utf8.append(byte)
            }
        }
        utf8.append(UInt8(ascii: "\""))
    }
}

extension StatusColumns {
    /// The stored columns of a `device_status` row (as selected by `StatusStore.lockStates`).
    init(row: Row) throws {
        osVersion = try row.decodeIfPresent("os_version")
        buildVersion = try row.decodeIfPresent("build_version")
        supplementalBuildVersion = try row.decodeIfPresent("supplemental_build_version")
        supplementalExtraVersion = try row.decodeIfPresent("supplemental_extra_version")
        modelIdentifier = try row.decodeIfPresent("model_identifier")
        modelFamily = try row.decodeIfPresent("model_family")
        installState = try row.decodeIfPresent("install_state")
        pendingOSVersion = try row.decodeIfPresent("pending_os_version")
        pendingBuildVersion = try row.decodeIfPresent("pending_build_version")
        targetLocalDateTime = try row.decodeIfPresent("target_local_date_time")
        failureCount = try row.decodeIfPresent("failure_count")
        failureReason = try row.decodeIfPresent("failure_reason")
        declarationServerTokensText = try row.decode("declaration_server_tokens")
    }
}
