// CommandDeliveryService: delivers due outbox commands to the MDM server, with retries and backoff.

import AsyncHTTPClient
import Database
import EventBus
import Logging
import ServiceLifecycle

/// Delivers `command_outbox` rows (DeclarativeManagement syncs and the scheduler's legacy ScheduleOSUpdate
/// commands alike) through `MDMEnqueueClient`. Wakes on `command` notifications and every poll interval
/// (commands whose `not_before` arrives, retries whose backoff ends). A failed attempt is retried after
/// `initialBackoff × 2^(attempt-1)` (at most `maximumBackoff`); after `maximumAttempts` the row is `failed`
/// and stays visible. Without `MDM_API_URL` nothing is delivered: commands stay queued.
public struct CommandDeliveryService: Service {
    let pool: ConnectionPool
    let outbox: CommandOutbox
    let settings: DeclarationPublisherSettings
    let logger: Logger

    /// Creates the service.
    public init(pool: ConnectionPool, settings: DeclarationPublisherSettings, logger: Logger) {
        self.pool = pool
        self.outbox = CommandOutbox(pool: pool)
        self.settings = settings
        self.logger = logger
    }

    /// The delay before retry number `attempt` (1 = after the first failure).
    public static func backoff(attempt: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let delay = initial * (1 << exponent)
        return min(delay, maximum)
    }

    public func run() async throws {
        guard let baseURL = settings.mdmAPIURL else {
            logger.notice("MDM_API_URL is not set; commands stay queued")
            try? await gracefulShutdown()
            return
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = MDMEnqueueClient(
            client: httpClient, baseURL: baseURL, user: settings.mdmAPIUser, apiKey: settings.mdmAPIKey,
            timeout: settings.requestTimeout)
        let listener = NotificationListener(
            configuration: pool.configuration, channels: [BusTopic.command], idleInterval: settings.pollInterval,
            logger: logger)
        try? await cancelWhenGracefulShutdown {
            for try await _ in listener {
                await drain(client)
            }
        }
        try? await httpClient.shutdown()
    }

    /// Delivers due commands until none is left.
    func drain(_ client: MDMEnqueueClient) async {
        while !Task.isCancelled {
            let claimed: [OutboxCommand]
            do {
                claimed = try await outbox.claim(limit: settings.deliveryConcurrency, lease: settings.lease)
            } catch {
                logger.warning("outbox claim failed", metadata: ["error.message": "\(error)"])
                return
            }
            if claimed.isEmpty { return }
            await withTaskGroup(of: Void.self) { group in
                for command in claimed {
                    group.addTask { await deliver(command, client) }
                }
            }
        }
    }

    /// Sends one command and records the outcome.
    func deliver(_ command: OutboxCommand, _ client: MDMEnqueueClient) async {
        let outcome = await client.send(command)
        if Task.isCancelled { return }  // shutting down: the lease brings it back
        let metadata: Logger.Metadata = [
            "device.id": "\(command.deviceID)", "command.uuid": "\(command.commandUUID)",
            "command.type": "\(command.requestType)", "command.attempt": "\(command.attempts)",
        ]
        do {
            switch outcome {
            case .delivered:
                try await outbox.markDelivered(command)
                logger.debug("command delivered", metadata: metadata)
            case .failed(let reason):
                let giveUp = command.attempts >= settings.maximumAttempts
                try await outbox.markFailed(
                    command, error: reason,
                    retryAfter: Self.backoff(
                        attempt: command.attempts, initial: settings.initialBackoff, maximum: settings.maximumBackoff),
                    giveUp: giveUp)
                logger.warning(
                    giveUp ? "command delivery failed for good" : "command delivery failed; will retry",
                    metadata: metadata.merging(["error.message": "\(reason)"]) { $1 })
            }
        } catch {
            logger.warning("recording a delivery failed", metadata: metadata.merging(["error.message": "\(error)"]) { $1 })
        }
    }
}
