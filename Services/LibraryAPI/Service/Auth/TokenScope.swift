// TokenScope: what an admin API token may do.

import ArgumentParser
import HTTPTypes

/// The scope of an API token. `write` includes `read`.
public enum TokenScope: String, Sendable, Hashable, CaseIterable, ExpressibleByArgument {
    /// GET routes.
    case read
    /// Every route.
    case write

    /// Whether a token holding `scopes` may use a route that needs `self`.
    func isGranted(by scopes: Set<TokenScope>) -> Bool {
        scopes.contains(self) || (self == .read && scopes.contains(.write))
    }
}
