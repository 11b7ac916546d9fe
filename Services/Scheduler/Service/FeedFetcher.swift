// FeedFetcher: reads one feed's bytes from the bundled snapshot, a file, or a URL with a conditional GET.

import AppleFeedSnapshots
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Which Apple feed a source provides.
public enum FeedKind: String, Sendable, Hashable, CaseIterable {
    /// Apple's GDMF `pmv` JSON (or SOFA's cached copy of it).
    case gdmf
    /// The SOFA macOS data feed.
    case sofa
}

/// What a fetch returned.
public enum FeedFetchResult: Sendable, Equatable {
    /// The server answered 304 Not Modified to the conditional request.
    case notModified
    /// The feed's bytes and the validators to send next time.
    case body(Data, etag: String?, lastModified: String?)
}

/// A fetch that failed: unreachable, an HTTP error status, an unreadable file.
public struct FeedFetchError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Reads feeds. URLs go through AsyncHTTPClient with `If-None-Match` / `If-Modified-Since`.
public struct FeedFetcher: Sendable {
    /// Largest body accepted (the SOFA feed is a few MiB).
    public static let maximumBodyBytes = 64 << 20
    private let timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(30)) { self.timeout = timeout }

    /// Reads `kind` from `source`, sending the previous validators to a URL.
    public func fetch(
        _ kind: FeedKind, from source: FeedSource, etag: String?, lastModified: String?
    ) async throws(FeedFetchError) -> FeedFetchResult {
        switch source {
        case .bundled:
            do {
                let data = try kind == .gdmf ? AppleFeedSnapshots.gdmfCached() : AppleFeedSnapshots.sofaV2()
                return .body(data, etag: nil, lastModified: nil)
            } catch {
                throw FeedFetchError(description: "bundled \(kind.rawValue) snapshot unreadable: \(error)")
            }
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FeedFetchError(description: "cannot read file \(path)")
            }
            return .body(data, etag: nil, lastModified: nil)
        case .url(let url):
            return try await fetch(url: url, etag: etag, lastModified: lastModified)
        }
    }

    private func fetch(url: URL, etag: String?, lastModified: String?) async throws(FeedFetchError) -> FeedFetchResult {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "managed-os-scheduler")
        request.headers.add(name: "Accept", value: "application/json")
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            if response.status == .notModified { return .notModified }
            guard response.status == .ok else {
                throw FeedFetchError(description: "\(url.absoluteString) answered HTTP \(response.status.code)")
            }
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return .body(
                Data(body.readableBytesView), etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified"))
        } catch let error as FeedFetchError {
            throw error
        } catch {
            throw FeedFetchError(description: "\(url.absoluteString) could not be read: \(error)")
        }
    }
}
