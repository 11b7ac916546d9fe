// NotificationListener: LISTEN on a dedicated connection, as an AsyncSequence that reconnects by itself.

import Logging
import NIOPosix

/// Listens on channels over its own connection (never a pooled one) and yields what happened.
///
/// The sequence yields `.connected` after every (re)connection once LISTEN is in place — the moment
/// to catch up from a durable cursor, since notifications sent while disconnected are lost —
/// `.notifications` with everything that arrived together (bursts coalesce into one element), and
/// `.idle` when nothing arrived for `idleInterval` (a polling fallback). A broken connection is
/// reopened with exponential backoff. The sequence ends when the iterating task is cancelled.
public struct NotificationListener: AsyncSequence, Sendable {
    /// One step of the listener.
    public enum Event: Sendable, Equatable {
        /// (Re)connected and listening: catch up.
        case connected
        /// Notifications that arrived together.
        case notifications([DatabaseNotification])
        /// Nothing arrived within the idle interval.
        case idle
    }

    public typealias Element = Event

    private let configuration: DatabaseConfiguration
    private let channels: [String]
    private let idleInterval: Duration
    private let logger: Logger
    private let initialBackoff: Duration
    private let maximumBackoff: Duration

    /// A listener for `channels`; `idleInterval` is the polling fallback period.
    public init(
        configuration: DatabaseConfiguration, channels: [String], idleInterval: Duration = .seconds(5),
        logger: Logger, initialBackoff: Duration = .milliseconds(50), maximumBackoff: Duration = .seconds(5)
    ) {
        self.configuration = configuration
        self.channels = channels
        self.idleInterval = idleInterval
        self.logger = logger
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(listener: self)
    }

    /// Pulls events; owns the listening connection and the one thread that waits on its socket.
    public final class Iterator: AsyncIteratorProtocol, @unchecked Sendable {
        private let listener: NotificationListener
        private let thread = NIOThreadPool(numberOfThreads: 1)
        private var connection: DatabaseConnection?
        private var backoff: Duration

        init(listener: NotificationListener) {
            self.listener = listener
            self.backoff = listener.initialBackoff
            thread.start()
        }

        /// Nothing runs on `thread` by now (`next()` keeps the iterator alive while it waits), so the
        /// connection is finished right here, synchronously: handing it to the thread's shutdown callback
        /// left libpq work running after its owner was gone, and possibly while the process exited.
        deinit {
            connection = nil
            thread.shutdownGracefully { _ in }
        }

        /// The next event, or nil once the task is cancelled.
        public func next() async throws -> Event? {
            while !Task.isCancelled {
                guard let connection else {
                    if await connect() { return .connected }
                    continue
                }
                let deadline = ContinuousClock.now + listener.idleInterval
                do {
                    while !Task.isCancelled {
                        let remaining = ContinuousClock.now.duration(to: deadline)
                        if remaining <= .zero { return .idle }
                        let slice = Swift.min(remaining, .milliseconds(250))
                        let received = try await thread.runIfActive {
                            try connection.waitForNotifications(timeout: slice)
                        }
                        if !received.isEmpty { return .notifications(received) }
                    }
                } catch {
                    if Task.isCancelled { return nil }
                    listener.logger.warning(
                        "Listener connection lost; reconnecting", metadata: ["error": "\(error)"])
                    self.connection = nil
                }
            }
            return nil
        }

        /// Opens the connection and LISTENs; on failure sleeps for the backoff (doubling it) and returns false.
        private func connect() async -> Bool {
            let configuration = listener.configuration
            let channels = listener.channels
            do {
                let connection = try await thread.runIfActive {
                    let connection = try DatabaseConnection.connect(configuration)
                    for channel in channels { try connection.listen(channel) }
                    return connection
                }
                self.connection = connection
                backoff = listener.initialBackoff
                listener.logger.debug("Listening", metadata: ["bus.channels": "\(channels.joined(separator: ","))"])
                return true
            } catch {
                listener.logger.warning(
                    "Listener could not connect; retrying", metadata: ["error": "\(error)", "retry.in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = Swift.min(backoff * 2, listener.maximumBackoff)
                return false
            }
        }
    }
}
