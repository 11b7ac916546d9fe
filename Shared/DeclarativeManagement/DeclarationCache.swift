// DeclarationCache: encodes and hashes each distinct declaration and declaration set once per batch.

import Foundation

/// Memoizes what `DeclarationSetBuilder` encodes and hashes. Declaration identifiers carry no device id, so
/// Macs with the same targets get byte-identical declarations and sets: with one cache across a batch of
/// Macs, each distinct declaration and set is encoded and hashed once instead of once per Mac.
/// Not thread-safe: use one per batch (or per thread).
public final class DeclarationCache {
    private struct DeclarationKey: Hashable {
        var type: String
        var identifier: String
        var payload: [String: JSONValue]
    }

    private var declarations: [DeclarationKey: Declaration] = [:]
    private var sets: [[Declaration]: DeclarationSet] = [:]

    /// An empty cache.
    public init() {}

    /// Distinct declarations and sets built so far.
    public var distinctCounts: (declarations: Int, sets: Int) { (declarations.count, sets.count) }

    /// `Declaration(type:identifier:payload:)`, built once per distinct content.
    func declaration(type: String, identifier: String, payload: [String: JSONValue]) -> Declaration {
        let key = DeclarationKey(type: type, identifier: identifier, payload: payload)
        if let known = declarations[key] { return known }
        let built = Declaration(type: type, identifier: identifier, payload: payload)
        declarations[key] = built
        return built
    }

    /// `DeclarationSet(declarations:changedAt:)`, with the token and manifest computed once per distinct content.
    func set(declarations content: [Declaration], changedAt: Date) -> DeclarationSet {
        if let known = sets[content] { return known.stamped(changedAt) }
        let built = DeclarationSet(declarations: content, changedAt: changedAt)
        sets[content] = built
        return built
    }
}
