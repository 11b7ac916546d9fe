// HTTPServerSettings: the HTTP server's timeouts and connection limit, and the server builder that applies them.

import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How each service's HTTP/1.1 server protects itself from slow and numerous clients.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `HTTP_IDLE_TIMEOUT_SECONDS` | a connection with no request in progress, or whose request body stalls, is closed after this long | `60` |
/// | `HTTP_REQUEST_HEAD_TIMEOUT_SECONDS` | a request head (request line and headers) must arrive completely within this long of the connection opening or of the request's first byte, else `408` and close (slow-loris) | `10` |
/// | `HTTP_MAX_CONNECTIONS` | open connections per process; beyond it a new connection gets `503` and is closed at once | `2048` |
///
/// A request whose head has arrived and is being answered (long-polls, event streams) is never cut by either timeout.
public struct HTTPServerSettings: Sendable, Equatable {
    /// Hummingbird's idle timeout: no HTTP part read or written for this long while no request is being answered.
    public var idleTimeout: Duration
    /// Longest a request head may take to arrive (from the connection opening, or from the first byte of a later
    /// request on a kept-alive connection).
    public var requestHeadTimeout: Duration
    /// Most connections open at once in this process.
    public var maximumConnections: Int

    public static let defaultIdleTimeout: Duration = .seconds(60)
    public static let defaultRequestHeadTimeout: Duration = .seconds(10)
    public static let defaultMaximumConnections = 2048

    /// Settings with the defaults, or the given values.
    public init(
        idleTimeout: Duration = Self.defaultIdleTimeout, requestHeadTimeout: Duration = Self.defaultRequestHeadTimeout,
        maximumConnections: Int = Self.defaultMaximumConnections
    ) {
        self.idleTimeout = idleTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.maximumConnections = maximumConnections
    }

    /// An HTTP/1.1 server builder applying these settings. Pass a `limiter` to observe the open connections.
    public func serverBuilder(limiter: HTTPConnectionLimiter? = nil) -> HTTPServerBuilder {
        let limiter = limiter ?? HTTPConnectionLimiter(maximum: maximumConnections)
        let headTimeout = TimeAmount(requestHeadTimeout)
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadTimeoutHandler(timeout: headTimeout)],
            idleTimeout: TimeAmount(idleTimeout))
        return HTTPServerBuilder { responder in
            LimitedHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: configuration), limiter: limiter)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Counts a process's open HTTP connections and admits new ones up to a maximum.
public final class HTTPConnectionLimiter: Sendable {
    /// The most connections admitted at once.
    public let maximum: Int
    private let count = Atomic<Int>(0)
    private let openGauge = Gauge(label: "managed_os_http_connections_open")
    private let refusedCounter = Counter(label: "managed_os_http_connections_refused_total")

    public init(maximum: Int) {
        self.maximum = maximum
    }

    /// Connections admitted and not yet closed.
    public var openConnections: Int { count.load(ordering: .relaxed) }

    /// Takes a slot; false (and nothing taken) when all `maximum` are in use.
    func admit() -> Bool {
        var current = count.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = count.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                openGauge.record(current + 1)
                return true
            }
            current = original
        }
        refusedCounter.increment()
        return false
    }

    /// Returns a slot.
    func release() {
        openGauge.record(count.subtract(1, ordering: .relaxed).newValue)
    }
}

/// HTTP/1.1 child channel that admits a connection only when the limiter has room; an extra connection gets a
/// `503 too_many_connections` (JSON, `Connection: close`) written straight to the socket and is closed.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limiter: HTTPConnectionLimiter

    static let refusal: String = {
        let body =
            #"{"error":{"code":"too_many_connections","message":"The server has too many open connections; retry shortly.","fields":[]}}"#
        return
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)"
            + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body
    }()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        if limiter.admit() {
            let limiter = self.limiter
            channel.closeFuture.whenComplete { _ in limiter.release() }
        } else {
            // The pipeline is still empty, so these bytes go straight to the socket.
            channel.writeAndFlush(ByteBuffer(string: Self.refusal)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Closes a connection whose request head does not arrive within `timeout` (a slow-loris client dribbling
/// header bytes, or one that connects and sends nothing), after writing a `408 request_timeout` JSON answer.
///
/// The clock starts when the connection opens and, on a kept-alive connection, when the first byte of the next
/// request arrives (seen by a companion handler at the front of the pipeline); it stops when the decoder
/// delivers the head. Between requests Hummingbird's idle timeout applies instead.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var inRequest = false
    private var byteWatcher: ByteWatcher?

    private static let timeouts = Counter(label: "managed_os_http_request_head_timeouts_total")
    static let answer: String = {
        let body =
            #"{"error":{"code":"request_timeout","message":"The request head did not arrive in time.","fields":[]}}"#
        return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)"
            + "\r\nConnection: close\r\n\r\n" + body
    }()

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let watcher = ByteWatcher(owner: self)
        byteWatcher = watcher
        try? context.pipeline.syncOperations.addHandler(watcher, position: .first)
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        byteWatcher?.owner = nil
        byteWatcher = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
            inRequest = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inRequest = false }
        context.write(data, promise: promise)
    }

    /// Bytes arrived: the first byte of a request starts its clock.
    fileprivate func bytesArrived(context: ChannelHandlerContext) {
        if !inRequest { start(context: context) }
    }

    private func start(context: ChannelHandlerContext) {
        guard deadline == nil, context.channel.isActive else { return }
        let channel = context.channel
        let watcher = byteWatcher
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, self.deadline != nil, !self.inRequest else { return }
            self.deadline = nil
            Self.timeouts.increment()
            if let watcherContext = watcher?.context {
                watcherContext.writeAndFlush(NIOAny(ByteBuffer(string: Self.answer))).whenComplete { _ in
                    channel.close(promise: nil)
                }
            } else {
                channel.close(promise: nil)
            }
        }
    }

    /// Sits before the HTTP decoder and reports raw bytes arriving.
    fileprivate final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        weak var owner: RequestHeadTimeoutHandler?
        var context: ChannelHandlerContext?

        init(owner: RequestHeadTimeoutHandler) {
            self.owner = owner
        }

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            self.context = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            owner?.bytesArrived(context: context)
            context.fireChannelRead(data)
        }
    }
}

@available(*, unavailable)
extension RequestHeadTimeoutHandler: Sendable {}
