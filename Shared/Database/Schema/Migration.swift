// Migration: one numbered plain-SQL schema file shipped with the module, with its checksum.

import Digests
import Foundation

/// One schema migration: a plain `.sql` file named `NNNN_description.sql`, applied once, never edited.
public struct Migration: Sendable, Hashable {
    /// The number the file name starts with; files apply in this order.
    public let version: Int
    /// The file name, e.g. `0001_event_bus.sql`.
    public let name: String
    /// The SQL text.
    public let sql: String
    /// SHA-256 of the SQL text, hex; an applied file whose checksum changed is refused.
    public let checksum: String

    /// Creates a migration from a file name and its text; the name must start with digits and `_`.
    public init(name: String, sql: String) throws {
        guard name.hasSuffix(".sql"), let underscore = name.firstIndex(of: "_"),
            let version = Int(name[..<underscore]), version > 0
        else { throw MigrationError.invalidFileName(name) }
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256Hex.digest(of: sql)
    }

    /// The migrations bundled with this module, in version order.
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingResources
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file in
            try Migration(name: file, sql: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
        }
        return try ordered(migrations)
    }

    /// Sorts by version and refuses two files with the same number.
    public static func ordered(_ migrations: [Migration]) throws -> [Migration] {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
        return sorted
    }
}
