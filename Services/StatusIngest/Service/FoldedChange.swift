// FoldedChange: the reports of one Mac in one batch folded, in receipt order, into one state change.

import Database
import Foundation

/// Several reports of one Mac in the same batch, folded in receipt order: incremental items merge, a full
/// report starts over. Written as one row of the batch's state upsert.
struct FoldedChange {
    /// Merged items (since the last full report of the fold, when there was one).
    var items: [String: JSONValue] = [:]
    /// Whether a full report is part of the fold (then `items` replace the stored state).
    var isFull = false
    /// The Errors array to store; nil keeps the stored one.
    var errors: JSONValue?
    /// Parse problems of the newest report.
    var problems: [StatusParseProblem] = []
    /// Receipt time and sequence of the newest report.
    var receivedAt = Date(timeIntervalSince1970: 0)
    var sequence: Int64 = 0

    /// `items` as JSON text while they are exactly one report's items (written once for the history too).
    private var reportItemsText: String?
    /// Whether any report was folded in yet.
    private var isEmpty = true

    /// Folds in the next report (reports must come in receipt order); `itemsText` is the report's items as
    /// JSON text.
    mutating func apply(_ incoming: IncomingStatusReport, sequence: Int64, itemsText: String) {
        let report = incoming.report
        if report.isFull {
            items = report.items
            isFull = true
            errors = report.errors ?? .array([])
            reportItemsText = itemsText
        } else {
            items.merge(report.items) { _, new in new }
            if let reported = report.errors { errors = reported }
            reportItemsText = isEmpty ? itemsText : nil
        }
        isEmpty = false
        problems = report.problems
        receivedAt = incoming.receivedAt
        self.sequence = sequence
    }

    var itemsText: String { reportItemsText ?? JSONValue.object(items).jsonText }
    var errorsText: String? { errors?.jsonText }
    var problemsText: String {
        JSONValue.array(
            problems.map { .object(["item": .string($0.item), "message": .string($0.message)]) }
        ).jsonText
    }
}
