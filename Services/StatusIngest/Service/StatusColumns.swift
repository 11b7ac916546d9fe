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
    /// `<kind>/<identifier>` → server token of every declaration the Mac reported (`declaration_server_tokens`).
    var declarationServerTokens: [String: JSONValue] = [:]

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

    /// `declarationServerTokens` as JSON text (PostgreSQL stores it as jsonb, keys in its own order).
    var declarationServerTokensText: String { JSONValue.object(declarationServerTokens).jsonText }

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
            columns.declarationServerTokens = Self.serverTokens(value)
        }
    }

    /// `<kind>/<identifier>` → server token (JSON null when a declaration carries none) of each declaration in
    /// a `management.declarations` value; a later duplicate wins, as in `status_declaration_tokens` (0003).
    static func serverTokens(_ declarations: JSONValue?) -> [String: JSONValue] {
        var tokens: [String: JSONValue] = [:]
        guard let kinds = declarations?.objectValue else { return tokens }
        for (kind, list) in kinds {
            guard case .array(let elements) = list else { continue }
            for element in elements {
                guard let fields = element.objectValue, let identifier = fields["identifier"]?.stringValue else {
                    continue
                }
                tokens[kind + "/" + identifier] = fields["server-token"] ?? .null
            }
        }
        return tokens
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
        let tokens: String = try row.decode("declaration_server_tokens")
        declarationServerTokens = (try? JSONValueParser.parse(Array(tokens.utf8)))?.objectValue ?? [:]
    }
}
