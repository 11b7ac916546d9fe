// EndToEndTests+Admin: the admin steps the end-to-end scenarios share (blueprints, items, Macs), over HTTP.

import Foundation
import Testing

extension EndToEndTests.Product {
    /// A classic blueprint with new items (item configurations as library-api takes them); returns its id and
    /// the items' ids in order.
    func blueprint(_ name: String, items: [[String: Any]]) async throws -> (id: String, itemIDs: [String]) {
        let blueprint = try await admin.json("POST", "/v1/blueprints", ["name": name], expect: 201)
        let blueprintID = try #require(
            blueprint["id"] as? String ?? (blueprint["blueprint"] as? [String: Any])?["id"] as? String)
        var itemIDs: [String] = []
        for item in items {
            let created = try await admin.json("POST", "/v1/library-items", item, expect: 201)
            let itemID = try #require((created["item"] as? [String: Any])?["id"] as? String, "item: \(created)")
            _ = try await admin.json("PUT", "/v1/blueprints/\(blueprintID)/items/\(itemID)", nil, expect: 200)
            itemIDs.append(itemID)
        }
        return (blueprintID, itemIDs)
    }

    /// Registers a Mac; returns its device id and Self Service credential.
    func register(
        _ enrollmentID: String, blueprintID: String, model: String = "Mac14,2"
    ) async throws
        -> (deviceID: String, credential: String)
    {
        let registered = try await admin.json(
            "POST", "/v1/devices",
            [
                "enrollmentId": enrollmentID, "serialNumber": "SN-\(enrollmentID)", "modelIdentifier": model,
                "blueprintId": blueprintID, "timeZone": "Europe/Paris",
            ], expect: 201)
        let device = registered["device"] as? [String: Any] ?? registered
        return (
            try #require(device["id"] as? String, "device: \(registered)"),
            try #require(registered["selfServiceCredential"] as? String)
        )
    }

    /// An item configuration with the usual enforcement time and zone.
    static func item(
        _ major: Int, _ method: String, _ enforcement: [String: Any], label: String? = nil
    )
        -> [String: Any]
    {
        [
            "label": label ?? "macOS \(major) \(method)", "major": major, "installationMethod": method,
            "versionEnforcement": enforcement, "enforcementTime": "09:00", "enforcementTimeZone": "Europe/Paris",
        ]
    }

    /// Polls `check` every 250 ms until it returns a value, or fails after `timeout` naming `what`.
    /// `orElse` adds the last thing seen to the failure.
    func eventually<T>(
        _ what: String, timeout: Duration, _ check: () async throws -> T?, orElse lastSeen: () -> String = { "" }
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await check() { return value }
            guard ContinuousClock.now < deadline else {
                throw TestSetupError("\(what) did not happen within \(timeout); last seen: \(lastSeen())\n\(logs)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
