// APIPrincipalCacheTests: a token's caller is kept only under the newest revocation the watcher has seen, and
// nothing is kept while revocations are not watched.

import Testing

@testable import LibraryAPIService

@Suite("API caller cache")
struct APIPrincipalCacheTests {
    static let reader = APIPrincipal(name: "reader", scopes: [.read])
    static let writer = APIPrincipal(name: "writer", scopes: [.write])

    @Test("while revocations are not watched nothing is kept")
    func unwatchedKeepsNothing() {
        let cache = APIPrincipalCache()
        cache.keep(Self.reader, forDigest: "r", mark: 0)
        #expect(cache.principal(forDigest: "r") == nil)
        cache.noteRevocations(upTo: 3)
        cache.keep(Self.reader, forDigest: "r", mark: 3)
        #expect(cache.principal(forDigest: "r") == Self.reader)
        cache.noteRevocations(upTo: nil)
        #expect(cache.principal(forDigest: "r") == nil)
        cache.keep(Self.reader, forDigest: "r", mark: 3)
        #expect(cache.principal(forDigest: "r") == nil)
        #expect(!cache.isWatchingRevocations)
    }

    @Test("a revocation drops every kept caller; a caller read under an older mark is not kept")
    func revocationDropsCallers() {
        let cache = APIPrincipalCache()
        cache.noteRevocations(upTo: 5)
        cache.keep(Self.reader, forDigest: "r", mark: 5)
        cache.keep(Self.writer, forDigest: "w", mark: 5)
        // The watcher's idle re-reads of the same mark keep them.
        cache.noteRevocations(upTo: 5)
        #expect(cache.principal(forDigest: "r") == Self.reader)
        #expect(cache.principal(forDigest: "w") == Self.writer)

        cache.noteRevocations(upTo: 6)
        #expect(cache.principal(forDigest: "r") == nil)
        #expect(cache.principal(forDigest: "w") == nil)
        // Read before the revocation was heard: it may be the revoked token, so it is not kept.
        cache.keep(Self.reader, forDigest: "r", mark: 5)
        #expect(cache.principal(forDigest: "r") == nil)
        cache.keep(Self.writer, forDigest: "w", mark: 6)
        #expect(cache.principal(forDigest: "w") == Self.writer)
    }

    @Test("a full cache starts over instead of growing")
    func bounded() {
        let cache = APIPrincipalCache()
        cache.noteRevocations(upTo: 1)
        for index in 0..<APIPrincipalCache.capacity { cache.keep(Self.reader, forDigest: "d\(index)", mark: 1) }
        #expect(cache.principal(forDigest: "d0") == Self.reader)
        cache.keep(Self.writer, forDigest: "new", mark: 1)
        #expect(cache.principal(forDigest: "d0") == nil)
        #expect(cache.principal(forDigest: "new") == Self.writer)
    }
}
