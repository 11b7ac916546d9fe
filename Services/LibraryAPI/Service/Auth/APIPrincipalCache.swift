// APIPrincipalCache: keeps who an admin token belongs to between requests, for as long as no token has been
// revoked since, so an authenticated request does not spend a database round trip on its token.

import Synchronization

/// The callers of valid tokens, by token digest, each read together with the *revocation mark* (how many
/// tokens have ever been revoked) in one snapshot (``TokenStore/principalAndRevocationMark(forDigest:on:)``).
///
/// A kept caller is used only while changes are watched and the newest revocation the watcher has seen
/// (``noteRevocations(upTo:)``) is the one it was read under: any revocation, of any token, makes every kept
/// caller be read again. Revoking is rare; requests are not. Unknown and revoked tokens are never kept, so a
/// wrong guess always costs a lookup. While nothing watches (no watcher, or it lost the database) nothing is
/// kept and every request looks its token up, as before.
final class APIPrincipalCache: Sendable {
    private struct State {
        /// The newest revocation mark the watcher has seen; nil while revocations are not watched.
        var watchedMark: Int64?
        /// Callers read under `watchedMark`, by token digest: emptied whenever it changes, so empty while
        /// revocations are not watched.
        var callers: [String: APIPrincipal] = [:]
    }

    /// Most callers kept; past it the cache starts over (there are a handful of admin tokens, not thousands).
    static let capacity = 1_000
    private let state = Mutex(State())

    init() {}

    /// The kept caller of the token with digest `digest`, if it is still known to be valid.
    func principal(forDigest digest: String) -> APIPrincipal? {
        state.withLock { $0.callers[digest] }
    }

    /// Keeps `principal` for `digest`, read under revocation mark `mark`; ignored unless that is the newest
    /// revocation the watcher has seen.
    func keep(_ principal: APIPrincipal, forDigest digest: String, mark: Int64) {
        state.withLock { state in
            guard state.watchedMark == mark else { return }
            if state.callers.count >= Self.capacity { state.callers.removeAll(keepingCapacity: true) }
            state.callers[digest] = principal
        }
    }

    /// Records the newest revocation mark (nil: revocations are no longer watched, so nothing is kept).
    /// Callers kept under an older mark are dropped.
    func noteRevocations(upTo mark: Int64?) {
        state.withLock { state in
            if mark == nil || mark != state.watchedMark { state.callers.removeAll() }
            state.watchedMark = mark
        }
    }

    /// Whether a watcher reports revocations (tests wait for it).
    var isWatchingRevocations: Bool { state.withLock { $0.watchedMark != nil } }
}
