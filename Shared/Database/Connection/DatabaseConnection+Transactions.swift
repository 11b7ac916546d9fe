// DatabaseConnection+Transactions: BEGIN/COMMIT with rollback on any thrown error.

extension DatabaseConnection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws (and rethrows).
    @discardableResult
    public func withTransaction<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        try executeScript("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isUsable { try? executeScript("ROLLBACK") }
            throw error
        }
        try executeScript("COMMIT")
        return value
    }
}
