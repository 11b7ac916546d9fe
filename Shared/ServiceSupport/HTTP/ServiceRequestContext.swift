// ServiceRequestContext: the Hummingbird request context every service's router uses.

import Hummingbird

/// The per-request context of every Managed OS HTTP server. Later issues add per-request state here
/// (e.g. the authenticated admin or Mac); the request id lives in the logger (see ``RequestIDMiddleware``).
public struct ServiceRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage

    /// Creates the context for one request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Bodies decoded with `request.decode(as:context:)` are limited to
    /// ``RequestBodyLimitMiddleware/defaultMaximumBytes``.
    public var maxUploadSize: Int { RequestBodyLimitMiddleware<Self>.defaultMaximumBytes }
}
