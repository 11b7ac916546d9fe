// MigrationError: why migrations could not be applied, or why a service refuses the schema it found.

/// Why migrations could not be applied, or why a service refuses to start on the schema it found.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database lacks these migrations (file names); run `<service> migrate`.
    case schemaBehind(pending: [String])
    /// An applied migration's file changed since it was applied.
    case checksumMismatch(name: String)
    /// A migration file name does not start with a number and `_` or does not end in `.sql`.
    case invalidFileName(String)
    /// Two files share a number.
    case duplicateVersion(Int)
    /// The bundled migration folder is missing from the build.
    case missingResources

    public var description: String {
        switch self {
        case .schemaBehind(let pending):
            "the database schema is behind: \(pending.count) migration(s) not applied (\(pending.joined(separator: ", "))); "
                + "run the `migrate` command first"
        case .checksumMismatch(let name):
            "migration \(name) was changed after it was applied; migrations must never be edited (add a new file)"
        case .invalidFileName(let name): "invalid migration file name \(name) (expected NNNN_description.sql)"
        case .duplicateVersion(let version): "two migration files share the number \(version)"
        case .missingResources: "the bundled migrations folder is missing"
        }
    }
}
