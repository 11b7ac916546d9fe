// StatusStore: writes a batch of status reports in one transaction with one statement per table.

import Database
import EventBus
import Foundation

/// Writes batches of reports: resolves (or registers) the Macs, numbers the reports, moves each Mac's state
/// forward, appends history, raw bodies and parse errors, and publishes one `device` event per Mac whose
/// relevant state changed — all with array parameters, so a batch costs the same few statements as one report.
public struct StatusStore: Sendable {
    /// Register unknown enrollment ids instead of refusing them (`STATUS_AUTO_REGISTER`).
    public var autoRegister: Bool

    /// Creates a store.
    public init(autoRegister: Bool) {
        self.autoRegister = autoRegister
    }

    /// Writes `reports` on `connection`, which must be inside a transaction (the caller commits).
    /// Returns one outcome per report, in order.
    public func write(
        _ reports: [IncomingStatusReport], on connection: DatabaseConnection
    ) throws
        -> [StatusWriteOutcome]
    {
        guard !reports.isEmpty else { return [] }
        let enrollmentIDs = Array(Set(reports.map(\.enrollmentID))).sorted()
        if autoRegister {
            try connection.query(
                """
                INSERT INTO devices (enrollment_id)
                SELECT e FROM unnest($1::text[]) AS e ORDER BY e
                ON CONFLICT (enrollment_id) DO NOTHING
                """, [enrollmentIDs])
        }
        var deviceIDs: [String: UUID] = [:]
        for row in try connection.query(
            "SELECT id, enrollment_id FROM devices WHERE enrollment_id = ANY($1::text[])",
            [PostgresTextArray(enrollmentIDs)]
        ).rows {
            deviceIDs[try row.decode("enrollment_id")] = try row.decode("id", as: UUID.self)
        }

        // Known reports in receipt order; each gets the next number of the sequence in that order.
        let order = reports.indices.filter { deviceIDs[reports[$0].enrollmentID] != nil }
            .sorted { (reports[$0].receivedAt, $0) < (reports[$1].receivedAt, $1) }
        guard !order.isEmpty else { return reports.map { _ in .unknownEnrollment } }
        let sequences = try connection.query(
            "SELECT nextval('status_report_sequence') AS sequence FROM generate_series(1, $1::integer)",
            [order.count]
        ).rows.map { try $0.decode("sequence", as: Int64.self) }.sorted()
        var sequenceOf: [Int: Int64] = [:]
        for (position, index) in order.enumerated() { sequenceOf[index] = sequences[position] }

        // Each report's items as JSON text (its history row), and one folded state change per Mac.
        var itemsTexts = [String](repeating: "", count: reports.count)
        var changes: [UUID: FoldedChange] = [:]
        for index in order {
            let incoming = reports[index]
            let deviceID = deviceIDs[incoming.enrollmentID]!
            let text = JSONValue.object(incoming.report.items).jsonText
            itemsTexts[index] = text
            changes[deviceID, default: FoldedChange()].apply(incoming, sequence: sequenceOf[index]!, itemsText: text)
        }
        let devices = changes.keys.sorted()

        // The typed columns are written here, not derived by device_status's trigger (migration 0022).
        try connection.query("SELECT set_config('managed_os.status_columns', 'supplied', true)")
        // Each Mac's stored columns, read under its row lock (in device id order, so concurrent batches of
        // other replicas cannot deadlock): the state cannot change before this transaction's update.
        var stored: [UUID: StatusColumns] = [:]
        func lockStates(_ group: [UUID]) throws {
            guard !group.isEmpty else { return }
            for row in try connection.query(Self.lockStates, [group]).rows {
                stored[try row.decode("device_id", as: UUID.self)] = try StatusColumns(row: row)
            }
        }
        try lockStates(devices)
        // A Mac's first state is inserted; one another replica inserted meanwhile is locked and then updated
        // under the same rules as the others. A report older than the stored state is not applied (the update's
        // condition); what is applied is relevant when a column the scheduler or the gateway reads changed.
        var applied: Set<UUID> = []
        var relevantDevices: Set<UUID> = []
        let inserted = try writeStates(
            devices.filter { stored[$0] == nil }, Self.insertStates, changes: changes,
            columns: { StatusColumns(items: changes[$0]!.items) }, on: connection)
        applied.formUnion(inserted)
        relevantDevices.formUnion(inserted)
        try lockStates(devices.filter { stored[$0] == nil && !inserted.contains($0) })
        var nextColumns: [UUID: StatusColumns] = [:]
        for deviceID in devices where !inserted.contains(deviceID) {
            // (A Mac deleted meanwhile has no row to move forward: its reports are kept in the history only.)
            nextColumns[deviceID] = stored[deviceID]?.movedForward(by: changes[deviceID]!)
        }
        let updated = try writeStates(
            devices.filter { nextColumns[$0] != nil }, Self.updateStates, changes: changes,
            columns: { nextColumns[$0]! }, on: connection)
        applied.formUnion(updated)
        for deviceID in updated where nextColumns[deviceID]!.differsRelevantly(from: stored[deviceID]!) {
            relevantDevices.insert(deviceID)
        }

        // History (one row per report), raw bodies and parse errors.
        var historySequences: [Int64] = []
        var historyDevices: [UUID] = []
        var historyReceived: [Date] = []
        var historyFull: [Bool] = []
        var historyApplied: [Bool] = []
        var historyRelevant: [Bool] = []
        var historyItems: [String] = []
        var bodies: [String] = []
        var problemDevices: [UUID] = []
        var problemSequences: [Int64] = []
        var problemReceived: [Date] = []
        var problemItems: [String] = []
        var problemMessages: [String] = []
        var outcomes = reports.map { _ in StatusWriteOutcome.unknownEnrollment }
        for index in order {
            let incoming = reports[index]
            let deviceID = deviceIDs[incoming.enrollmentID]!
            let sequence = sequenceOf[index]!
            let applied = applied.contains(deviceID)
            let relevant = relevantDevices.contains(deviceID) && changes[deviceID]!.sequence == sequence
            historySequences.append(sequence)
            historyDevices.append(deviceID)
            historyReceived.append(incoming.receivedAt)
            historyFull.append(incoming.report.isFull)
            historyApplied.append(applied)
            historyRelevant.append(relevant)
            historyItems.append(itemsTexts[index])
            bodies.append(incoming.body)
            for problem in incoming.report.problems {
                problemDevices.append(deviceID)
                problemSequences.append(sequence)
                problemReceived.append(incoming.receivedAt)
                problemItems.append(problem.item)
                problemMessages.append(problem.message)
            }
            outcomes[index] = .stored(deviceID: deviceID, sequence: sequence, applied: applied, published: relevant)
        }
        try connection.query(
            """
            INSERT INTO device_status_history (sequence, device_id, received_at, full_report, applied, relevant, items)
            SELECT s, d, r, f, a, v, i::jsonb
            FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::boolean[], $5::boolean[], $6::boolean[],
                        $7::text[]) AS u(s, d, r, f, a, v, i)
            """,
            [
                historySequences, historyDevices, historyReceived, historyFull, historyApplied, historyRelevant,
                PostgresTextArray(historyItems),
            ]
        )
        try connection.query(
            """
            INSERT INTO status_reports_raw (sequence, device_id, received_at, body)
            SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[])
            """, [historySequences, historyDevices, historyReceived, PostgresTextArray(bodies)])
        if !problemDevices.isEmpty {
            try connection.query(
                """
                INSERT INTO status_parse_errors (device_id, sequence, received_at, item, message)
                SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[])
                """, [problemDevices, problemSequences, problemReceived, problemItems, problemMessages])
        }
        let enrollmentOf = Dictionary(deviceIDs.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let events = relevantDevices.sorted().map { deviceID in
            BusEventDraft(
                topic: BusTopic.device, entity: deviceID.postgresText,
                payload: PostgresJSON(
                    text: JSONValue.object([
                        "source": .string("status"), "enrollmentId": .string(enrollmentOf[deviceID] ?? ""),
                    ]).jsonText))
        }
        try BusPublisher.publish(events, on: connection)
        return outcomes
    }
}

extension StatusStore {
    /// Writes each device's folded change with `columns(device)` through `statement` (``insertStates`` or
    /// ``updateStates``); returns the devices whose row was written.
    private func writeStates(
        _ group: [UUID], _ statement: String, changes: [UUID: FoldedChange], columns: (UUID) -> StatusColumns,
        on connection: DatabaseConnection
    ) throws -> Set<UUID> {
        guard !group.isEmpty else { return [] }
        let folded = group.map { changes[$0]! }
        let derived = group.map(columns)
        func text(_ column: KeyPath<StatusColumns, String?>) -> PostgresTextArray {
            PostgresTextArray(derived.map { $0[keyPath: column] })
        }
        var written: Set<UUID> = []
        for row in try connection.query(
            statement,
            [
                group, PostgresTextArray(folded.map { $0.itemsText }), PostgresTextArray(folded.map { $0.errorsText }),
                PostgresTextArray(folded.map { $0.problemsText }),
                folded.map { $0.receivedAt }, folded.map { $0.sequence }, folded.map { $0.isFull },
                text(\.osVersion), text(\.buildVersion), text(\.supplementalBuildVersion),
                text(\.supplementalExtraVersion), text(\.modelIdentifier), text(\.modelFamily), text(\.installState),
                text(\.pendingOSVersion), text(\.pendingBuildVersion), text(\.targetLocalDateTime),
                derived.map(\.failureCount), text(\.failureReason),
                // Tokens only when the change carries them (a Mac's declarations status is often left out).
                PostgresTextArray(
                    zip(folded, derived).map { change, columns in
                        change.isFull || change.items[StatusColumns.Item.declarations] != nil
                            ? columns.declarationServerTokensText : nil
                    }),
            ]
        ).rows {
            written.insert(try row.decode("device_id"))
        }
        return written
    }
}

extension StatusStore {
    /// The batch's rows as `u`: `$1` device ids, `$2` items, `$3` errors, `$4` parse problems (JSON text),
    /// `$5` receipt instants, `$6` sequence numbers, `$7` whether each is a full report, `$8`–`$20` the typed
    /// columns of the state after the change (``StatusColumns``; the tokens NULL when the change leaves them).
    private static let batchRows = """
        unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::boolean[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
               $16::text[], $17::text[], $18::integer[], $19::text[], $20::text[])
            AS u(device_id, items, errors, problems, received_at, sequence, is_full,
                 os_version, build_version, supplemental_build_version, supplemental_extra_version, model_identifier,
                 model_family, install_state, pending_os_version, pending_build_version, target_local_date_time,
                 failure_count, failure_reason, declaration_server_tokens)
        """

    /// Locks the rows of `$1` in device id order and returns their typed columns.
    static let lockStates = """
        SELECT device_id, os_version, build_version, supplemental_build_version, supplemental_extra_version,
               model_identifier, model_family, install_state, pending_os_version, pending_build_version,
               target_local_date_time, failure_count, failure_reason, declaration_server_tokens
        FROM device_status WHERE device_id = ANY($1::uuid[]) ORDER BY device_id FOR UPDATE
        """

    /// Moves existing states forward (a full report replaces the items, an incremental one merges into them);
    /// a report older than the state is not applied (`online_since` is kept by the 0012 trigger). Returns the
    /// applied rows.
    static let updateStates = """
        UPDATE device_status AS s SET
            status_items = CASE WHEN u.is_full THEN u.items::jsonb ELSE s.status_items || u.items::jsonb END,
            report_errors = CASE WHEN u.is_full OR u.errors IS NOT NULL THEN u.errors::jsonb ELSE s.report_errors END,
            parse_errors = u.problems::jsonb,
            last_received_at = u.received_at,
            last_sequence = u.sequence,
            last_full_report_at = CASE WHEN u.is_full THEN u.received_at ELSE s.last_full_report_at END,
            updated_at = clock_timestamp(),
            os_version = u.os_version, build_version = u.build_version,
            supplemental_build_version = u.supplemental_build_version,
            supplemental_extra_version = u.supplemental_extra_version,
            model_identifier = u.model_identifier, model_family = u.model_family, install_state = u.install_state,
            pending_os_version = u.pending_os_version, pending_build_version = u.pending_build_version,
            target_local_date_time = u.target_local_date_time, failure_count = u.failure_count,
            failure_reason = u.failure_reason,
            declaration_server_tokens = coalesce(u.declaration_server_tokens::jsonb, s.declaration_server_tokens)
        FROM \(batchRows)
        WHERE s.device_id = u.device_id AND (s.last_received_at, s.last_sequence) < (u.received_at, u.sequence)
        RETURNING s.device_id
        """

    /// A Mac's first state; nothing for a Mac another replica gave one meanwhile (the caller updates those).
    static let insertStates = """
        INSERT INTO device_status AS s (device_id, status_items, report_errors, parse_errors,
                                        last_received_at, last_sequence, last_full_report_at, updated_at,
                                        os_version, build_version, supplemental_build_version,
                                        supplemental_extra_version, model_identifier, model_family, install_state,
                                        pending_os_version, pending_build_version, target_local_date_time,
                                        failure_count, failure_reason, declaration_server_tokens)
        SELECT u.device_id, u.items::jsonb, u.errors::jsonb, u.problems::jsonb, u.received_at, u.sequence,
               CASE WHEN u.is_full THEN u.received_at END, clock_timestamp(),
               u.os_version, u.build_version, u.supplemental_build_version, u.supplemental_extra_version,
               u.model_identifier, u.model_family, u.install_state, u.pending_os_version, u.pending_build_version,
               u.target_local_date_time, u.failure_count, u.failure_reason,
               coalesce(u.declaration_server_tokens::jsonb, '{}'::jsonb)
        FROM \(batchRows)
        ORDER BY u.device_id
        ON CONFLICT (device_id) DO NOTHING
        RETURNING s.device_id
        """
}
