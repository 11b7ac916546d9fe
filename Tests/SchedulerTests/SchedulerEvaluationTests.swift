// SchedulerEvaluationTests: the scheduler over a real database with the real catalog snapshot and a clock
// the test sets: releases appearing, deadlines passing, reports arriving, no churn, legacy commands.

import Database
import Foundation
import ManagedOSDomain
import SchedulerService
import Testing
import TestSupport

@Suite("Scheduler evaluation", .enabled(if: TestDatabase.isEnabled), .serialized)
struct SchedulerEvaluationTests {
    @Test("a release appearing in the feed makes the right Macs pending; the deadline passing makes them overdue; the report of the new version makes them compliant")
    func releaseLifecycle() async throws {
        let feeds = try FeedFiles()
        defer { feeds.remove() }
        try feeds.write(withoutVersion: "15.7.9")
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10, gdmf: feeds.gdmf, sofa: feeds.sofa)
        do {
            let managed = try harness.blueprint("Managed")
            let unmanaged = try harness.blueprint("Unmanaged")
            try harness.item(SchedulerFixtures.automaticItem(major: 15, timeframe: .oneWeek), blueprints: [managed])
            let onPrevious = try harness.mac("a", blueprint: managed)
            let elsewhere = try harness.mac("b", blueprint: unmanaged)
            try harness.report(onPrevious, version: "15.7.8")
            try harness.report(elsewhere, version: "15.7.8")
            try await harness.cycle()
            #expect(try harness.count("catalog_releases", "version = '15.7.9'") == 0)
            #expect(try harness.plan(onPrevious)?.compliance == .compliant)

            // 15.7.9 (released 2026-08-06) appears: with "1 week" it is due 2026-08-13 at 17:00, Berlin time.
            try feeds.write()
            let refresh = try await harness.service.refresher.refresh(now: harness.clock.now(), force: true)
            #expect(refresh.added.contains { $0.hasPrefix("15.7.9/") })
            try await harness.cycle()
            let deadline = SchedulerFixtures.local("2026-08-13T17:00:00", zone: "Europe/Berlin")
            let pending = try #require(try harness.plan(onPrevious))
            #expect(pending.compliance == .pending(deadline: deadline))
            #expect(pending.osEnforcement?.targetVersion == (try OSVersion(parsing: "15.7.9")))
            #expect(pending.osEnforcement?.targetLocalDateTime == "2026-08-13T17:00:00")
            // 3 days and 3 hours ahead shows as 4.
            #expect(pending.daysRemaining == 4)
            #expect(try harness.plan(elsewhere)?.osEnforcement == nil)
            // What the Mac is told: a 15.7.9 enforcement with the local deadline, and one queued
            // DeclarativeManagement command carrying the new token.
            let enforcement = try harness.database.query(
                """
                SELECT x.body FROM declaration_sets s JOIN declaration_content_items x USING (declarations_token)
                WHERE s.device_id = $1::uuid AND x.identifier = 'com.managedos.enforcement.os'
                """,
                [onPrevious]).first?.decode("body", as: String.self)
            #expect(enforcement?.contains("\"TargetOSVersion\":\"15.7.9\"") == true)
            #expect(enforcement?.contains("\"TargetLocalDateTime\":\"2026-08-13T17:00:00\"") == true)
            #expect(try harness.count("command_outbox", "device_id = $1::uuid AND request_type = 'DeclarativeManagement' AND state = 'queued'", [onPrevious]) == 1)
            #expect(
                try harness.count(
                    "declaration_sets s JOIN declaration_content_items x USING (declarations_token)",
                    "s.device_id = $1::uuid AND x.identifier = 'com.managedos.enforcement.os'", [elsewhere]) == 0)

            // Half an hour after the deadline, the timer alone makes the Mac overdue.
            harness.clock.set(deadline.addingTimeInterval(1800))
            let afterDeadline = try await harness.cycle()
            #expect(afterDeadline.macsDue >= 1)
            let overdue = try #require(try harness.plan(onPrevious))
            #expect(overdue.compliance == .overdue(deadline: deadline))
            #expect(overdue.osEnforcement?.deadlineInstant == harness.clock.now())

            // The Mac reports 15.7.9: compliant, nothing declared.
            try harness.report(onPrevious, version: "15.7.9")
            try await harness.cycle()
            let done = try #require(try harness.plan(onPrevious))
            #expect(done.compliance == .compliant)
            #expect(done.osEnforcement == nil)
            #expect(try harness.count(
                "declaration_sets s JOIN declaration_content_items x USING (declarations_token)",
                "s.device_id = $1::uuid AND x.identifier = 'com.managedos.enforcement.os'", [onPrevious]) == 0)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("enabling \"2 weeks\" when the newest release is older than two weeks makes every out-of-date Mac due immediately")
    func warningScenario() async throws {
        // 2026-08-25: 15.7.9 was released 19 days ago, so with 2 weeks it was due on 2026-08-20.
        let now = SchedulerFixtures.instant("2026-08-25T08:00:00Z")
        let harness = try await SchedulerHarness.make(now: now)
        do {
            let blueprint = try harness.blueprint("Fleet")
            var macs: [String: UUID] = [:]
            for version in ["15.7.7", "15.7.8", "15.7.9"] {
                macs[version] = try harness.mac("mac-\(version)", blueprint: blueprint)
                try harness.report(macs[version]!, version: version)
            }
            try await harness.cycle()
            #expect(try harness.plan(macs["15.7.7"]!)?.osEnforcement == nil)

            try harness.item(SchedulerFixtures.automaticItem(major: 15, timeframe: .twoWeeks), blueprints: [blueprint])
            try await harness.cycle()
            for version in ["15.7.7", "15.7.8"] {
                let plan = try #require(try harness.plan(macs[version]!))
                #expect(plan.compliance.status == .overdue, "\(version)")
                #expect(plan.osEnforcement?.deadlineInstant == now, "\(version) is declared with a deadline of now")
                #expect(plan.osEnforcement?.targetVersion == (try OSVersion(parsing: "15.7.9")))
                #expect(plan.daysRemaining == 0)
            }
            #expect(try harness.plan(macs["15.7.9"]!)?.compliance == .compliant)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("the active scheduler deletes plan shapes no plan names, at most once an hour, keeping the recent ones")
    func unusedPlanShapesArePrunedHourly() async throws {
        // The scheduler's clock after the database's: shapes stored now are older than its hour of grace.
        let harness = try await SchedulerHarness.make(now: Date().addingTimeInterval(2 * 3600))
        do {
            let managed = try harness.blueprint("Managed")
            try harness.item(SchedulerFixtures.automaticItem(major: 15, timeframe: .oneWeek), blueprints: [managed])
            let mac = try harness.mac("a", blueprint: managed)
            try harness.report(mac, version: "15.7.8")
            func unused(_ digest: String) throws {
                try harness.database.query(
                    "INSERT INTO plan_shapes (plan_digest, plan) VALUES ($1, '{}')", [digest])
            }
            try unused("unused-1")
            var report = try await harness.cycle()
            #expect(report.evaluation.plansChanged == 1)
            #expect(report.shapesDeleted == 1)
            #expect(try harness.count("plan_shapes", "plan_digest = 'unused-1'") == 0)
            // The Mac's own shape stays.
            #expect(try harness.count("plan_shapes") == 1)
            #expect(try harness.plan(mac) != nil)
            // Within the hour nothing is deleted; once it has passed, the next cycle deletes.
            try unused("unused-2")
            harness.clock.advance(by: 600)
            report = try await harness.cycle()
            #expect(report.shapesDeleted == 0)
            harness.clock.advance(by: 3000)
            report = try await harness.cycle()
            #expect(report.shapesDeleted == 1)
            #expect(try harness.count("plan_shapes") == 1)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("re-running on unchanged inputs writes no row and publishes no event")
    func noChurn() async throws {
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10)
        do {
            let blueprint = try harness.blueprint("Fleet")
            let item = SchedulerFixtures.automaticItem(major: 15, timeframe: .oneWeek)
            try harness.item(item, blueprints: [blueprint])
            for index in 0..<20 {
                let mac = try harness.mac("mac-\(index)", blueprint: blueprint)
                try harness.report(mac, version: index % 2 == 0 ? "15.7.8" : "15.7.7")
            }
            let first = try await harness.cycle()
            #expect(first.evaluation.plansChanged == 20)
            let before = try harness.snapshot()
            // The same item saved again, every Mac touched by an event, and an hour passing (no deadline in it).
            try harness.update(item)
            try harness.publish("blueprint", blueprint)
            harness.clock.advance(by: 3600)
            let events = try harness.eventCount()
            let second = try await harness.cycle()
            #expect(second.evaluation.evaluated == 20)
            #expect(second.evaluation.plansChanged == 0)
            #expect(second.evaluation.declarationSetsChanged == 0)
            #expect(try harness.snapshot() == before)
            #expect(try harness.eventCount() == events)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("a change to a whole blueprint is evaluated in batches and reaches every Mac")
    func blueprintWideChangeInBatches() async throws {
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10, batchSize: 7)
        do {
            let blueprint = try harness.blueprint("Fleet")
            var macs: [UUID] = []
            for index in 0..<30 {
                let mac = try harness.mac("mac-\(index)", blueprint: blueprint)
                try harness.report(mac, version: "15.7.8")
                macs.append(mac)
            }
            try await harness.cycle()
            let commandEventsBefore = try harness.eventCount("command")
            // A Mac deleted after it was queued (the queue has no foreign key): taken with its batch and dropped.
            let vanished = UUID()
            _ = try harness.database.query(
                "INSERT INTO evaluation_queue (device_id, reason) VALUES ($1::uuid, 'device')", [vanished])
            try harness.item(SchedulerFixtures.automaticItem(major: 15, timeframe: .oneWeek), blueprints: [blueprint])
            let report = try await harness.cycle()
            #expect(report.evaluation.evaluated == 31)
            #expect(report.evaluation.plansChanged == 30)
            for mac in macs { #expect(try harness.plan(mac)?.compliance.status == .pending) }
            #expect(try harness.plan(vanished) == nil)
            #expect(try harness.count("evaluation_queue") == 0)
            // Every Mac's set changed, so every Mac has a queued command, announced by one `command` event per
            // batch of 7 (the deliverer reads the outbox itself) rather than one per Mac.
            #expect(
                try harness.count("command_outbox", "request_type = 'DeclarativeManagement' AND state = 'queued'") == 30)
            let wakeUps = try harness.database.query(
                "SELECT entity, (payload->>'commands')::int AS n FROM bus_events WHERE topic = 'command' ORDER BY id"
            ).rows.dropFirst(commandEventsBefore)
            #expect(wakeUps.count == 5)
            #expect(try wakeUps.map { try $0.decode("entity", as: String.self) } == Array(repeating: "outbox", count: 5))
            #expect(try wakeUps.map { try $0.decode("n", as: Int.self) }.reduce(0, +) == 30)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("a macOS 13 Mac gets a download-only ScheduleOSUpdate when the obligation appears and an install at the deadline, once each")
    func legacyCommands() async throws {
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10)
        do {
            let blueprint = try harness.blueprint("Legacy")
            try harness.item(SchedulerFixtures.automaticItem(major: 13, timeframe: .oneWeek), blueprints: [blueprint])
            let mac = try harness.mac("ventura", blueprint: blueprint, model: "MacBookPro15,1")
            try harness.report(mac, version: "13.7.7")
            try await harness.cycle()
            let plan = try #require(try harness.plan(mac))
            #expect(plan.isLegacy)
            let enforcement = try #require(plan.osEnforcement)
            #expect(enforcement.channel == .legacyCommands)
            #expect(enforcement.targetVersion == (try OSVersion(parsing: "13.7.8")))
            let commands = try harness.database.query(
                "SELECT payload, not_before FROM command_outbox WHERE device_id = $1::uuid AND request_type = 'ScheduleOSUpdate' ORDER BY id",
                [mac]).rows
            #expect(commands.count == 2)
            let payloads = try commands.map { try $0.decode("payload", as: String.self) }
            #expect(payloads[0].contains("<string>DownloadOnly</string>") && payloads[0].contains("<string>13.7.8</string>"))
            #expect(payloads[1].contains("<string>InstallASAP</string>"))
            #expect(try commands[1].decode("not_before", as: Date.self) == enforcement.deadlineInstant)
            // No DDM enforcement is declared to a legacy Mac.
            #expect(try harness.count(
                "declaration_sets s JOIN declaration_content_items x USING (declarations_token)",
                "s.device_id = $1::uuid AND x.identifier LIKE '%enforcement%'", [mac]) == 0)

            // A day later the plan is re-evaluated (days pass), yet no command is queued twice.
            harness.clock.advance(by: 86_400)
            try harness.report(mac, version: "13.7.7")
            try await harness.cycle()
            #expect(try harness.count("command_outbox", "device_id = $1::uuid AND request_type = 'ScheduleOSUpdate'", [mac]) == 2)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    @Test("grace period: a newly enrolled Mac and a Mac back after days offline are due at the end of their grace, others stay overdue")
    func gracePeriods() async throws {
        let harness = try await SchedulerHarness.make(now: SchedulerFixtures.august10)
        do {
            let blueprint = try harness.blueprint("Fleet")
            try harness.item(
                SchedulerFixtures.automaticItem(major: 15, timeframe: .oneWeek, gracePeriodDays: 3), blueprints: [blueprint])
            // All on 15.7.7, below the floor 15.7.8 (due 2026-08-03).
            let veteran = try harness.mac("veteran", blueprint: blueprint)
            let newcomer = try harness.mac("newcomer", blueprint: blueprint, registeredAt: harness.clock.now())
            let traveller = try harness.mac("traveller", blueprint: blueprint)
            harness.clock.set(SchedulerFixtures.instant("2026-08-01T09:00:00Z"))
            try harness.report(traveller, version: "15.7.7")
            harness.clock.set(SchedulerFixtures.august10)
            try harness.report(veteran, version: "15.7.7")
            try harness.report(newcomer, version: "15.7.7")
            try harness.report(traveller, version: "15.7.7")  // back after 9 days without a report
            try await harness.cycle()
            #expect(try harness.plan(veteran)?.compliance.status == .overdue)
            let graceEnd = SchedulerFixtures.local("2026-08-13T17:00:00", zone: "Europe/Berlin")
            #expect(try harness.plan(newcomer)?.compliance == .pending(deadline: graceEnd))
            #expect(try harness.plan(traveller)?.compliance == .pending(deadline: graceEnd))
            // When the grace ends, the timer makes them overdue.
            harness.clock.set(graceEnd.addingTimeInterval(60))
            try await harness.cycle()
            #expect(try harness.plan(newcomer)?.compliance.status == .overdue)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }
}
