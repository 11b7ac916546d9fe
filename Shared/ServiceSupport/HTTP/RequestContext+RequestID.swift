// RequestContext+RequestID: the id of the request being handled, as logged and returned to the client.

import Hummingbird
import Logging

extension RequestContext {
    /// The request's id: the client's `X-Request-ID` when ``RequestIDMiddleware`` accepted it, otherwise the
    /// id Hummingbird generated. It is the `hb.request.id` metadata on every log line of the request.
    public var requestID: String {
        logger[metadataKey: RequestIDMiddleware<Self>.metadataKey]?.description ?? "unknown"
    }
}
