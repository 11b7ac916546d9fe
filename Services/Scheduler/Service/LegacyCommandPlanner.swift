// LegacyCommandPlanner: queues ScheduleOSUpdate commands for Macs on macOS 13 and earlier, once each.

import Database
import DeclarativeManagement
import Foundation
import ManagedOSDomain

/// Legacy Macs cannot take DDM enforcement: when an obligation appears they get a download-only
/// `ScheduleOSUpdate`, and at the deadline's instant (the item's time zone) an install. Each command is
/// queued once per Mac, version and action (`dedupe_key`); the install waits in the outbox until `not_before`.
enum LegacyCommandPlanner {
    /// Install action sent at the deadline.
    static let installAction = "InstallASAP"
    /// Install action sent when the obligation appears.
    static let downloadAction = "DownloadOnly"

    /// Queues the commands `plan` calls for (nothing for DDM Macs or without a legacy enforcement).
    /// Returns how many commands were newly queued (the caller publishes the `command` event).
    @discardableResult
    static func queue(for plan: MacPlan, enrollmentID: String, on connection: DatabaseConnection) throws -> Int {
        guard plan.isLegacy, let enforcement = plan.osEnforcement, enforcement.channel == .legacyCommands else {
            return 0
        }
        let version = enforcement.targetVersion.description
        var queued = 0
        for (action, notBefore) in [(downloadAction, plan.evaluatedAt), (installAction, enforcement.deadlineInstant)] {
            let command = MDMCommand.scheduleOSUpdate(productVersion: version, installAction: action, commandUUID: UUID())
            queued += try connection.execute(
                """
                INSERT INTO command_outbox (device_id, enrollment_id, command_uuid, request_type, payload, dedupe_key,
                                            not_before, next_attempt_at)
                VALUES ($1::uuid, $2, $3::uuid, 'ScheduleOSUpdate', $4, $5, $6, $6)
                ON CONFLICT (dedupe_key) DO NOTHING
                """,
                [plan.macID, enrollmentID, command.commandUUID, command.plist,
                 "ScheduleOSUpdate:\(plan.macID.uuidString):\(version):\(action)", max(notBefore, plan.evaluatedAt)])
        }
        return queued
    }
}
