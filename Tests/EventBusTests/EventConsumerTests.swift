// The durable bus: exactly-once, in-order delivery per group, across listener loss and concurrency.

import Database
import EventBus
import Foundation
import TestSupport
import Synchronization
import Testing

@Suite(.enabled(if: TestDatabase.isEnabled))
struct EventConsumerTests {
    @Test func committedEventReachesAConsumerAndARolledBackOneNever() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        try createHandledTable(database)
        let pool = database.makePool()
        struct Rollback: Error {}
        await #expect(throws: Rollback.self) {
            try await pool.withTransaction { connection in
                try BusPublisher.publish(BusEventDraft(topic: "library", entity: "rolled-back"), on: connection)
                throw Rollback()
            }
        }
        let committed = try await pool.withTransaction {
            try BusPublisher.publish(BusEventDraft(topic: "library", entity: "item-1"), on: $0)
        }
        let consumer = EventConsumer(
            group: "scheduler", topics: ["library"], pool: pool, pollInterval: .seconds(60),
            logger: TestDatabase.logger, handler: recordingHandler(group: "scheduler"))
        try await withThrowingTaskGroup(of: Void.self) { group async throws in
            group.addTask { try await consumer.run() }
            #expect(try await eventually { try handledIDs(database, group: "scheduler") == [committed] })
            group.cancelAll()
        }
        let entities = try database.query("SELECT entity FROM bus_events ORDER BY id").rows.map {
            try $0.decode("entity", as: String.self)
        }
        #expect(entities == ["item-1"])
        await pool.close()
    }

    @Test func publishOutsideATransactionIsRefused() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        let connection = try DatabaseConnection.connect(database.configuration)
        #expect(throws: DatabaseError.self) {
            try BusPublisher.publish(BusEventDraft(topic: "library", entity: "x"), on: connection)
        }
    }

    @Test func consumerWhoseListenerIsTerminatedHandlesEveryMissedEventExactlyOnce() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        try createHandledTable(database)
        let pool = database.makePool()
        let listenerPool = ConnectionPool(
            configuration: database.configuration.with("application_name", "bus-listener-under-test"),
            logger: TestDatabase.logger)
        // Polling is slow (60 s): only NOTIFY and the reconnect catch-up can deliver within the test.
        let consumer = EventConsumer(
            group: "publisher", topics: ["targets"], pool: listenerPool, pollInterval: .seconds(60),
            logger: TestDatabase.logger, handler: recordingHandler(group: "publisher"))
        try await withThrowingTaskGroup(of: Void.self) { group async throws in
            group.addTask { try await consumer.run() }
            let first = try await pool.withTransaction {
                try BusPublisher.publish(BusEventDraft(topic: "targets", entity: "before"), on: $0)
            }
            #expect(try await eventually { try handledIDs(database, group: "publisher") == [first] })

            // Kill every connection of the consumer (listener and pooled), then publish while it recovers.
            try database.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = 'bus-listener-under-test'
                """)
            var published = [first]
            for index in 0..<200 {
                published.append(
                    try await pool.withTransaction {
                        try BusPublisher.publish(BusEventDraft(topic: "targets", entity: "while-down-\(index)"), on: $0)
                    })
            }
            #expect(try await eventually { try handledIDs(database, group: "publisher").count >= published.count })
            #expect(try handledIDs(database, group: "publisher") == published)
            group.cancelAll()
        }
        await pool.close()
        await listenerPool.close()
    }

    @Test func fourPublishersTwoGroupsEveryEventExactlyOnceInIdOrder() async throws {
        let database = try await TestDatabase.create(maximumConnections: 12)
        defer { database.drop() }
        try createHandledTable(database)
        let pool = database.makePool(maximumConnections: 12)
        let groups = ["scheduler", "gateway"]
        let consumers = groups.map { name in
            EventConsumer(
                group: name, topics: ["device"], pool: pool, batchSize: 500, pollInterval: .seconds(1),
                logger: TestDatabase.logger, handler: recordingHandler(group: name))
        }
        let perPublisher = 5_000
        try await withThrowingTaskGroup(of: Void.self) { group async throws in
            for consumer in consumers { group.addTask { try await consumer.run() } }
            try await withThrowingTaskGroup(of: Void.self) { publishers async throws in
                for publisher in 0..<4 {
                    publishers.addTask {
                        // 5,000 events per publisher, 10 per transaction.
                        for chunk in stride(from: 0, to: perPublisher, by: 10) {
                            try await pool.withTransaction { connection in
                                try BusPublisher.publish(
                                    (chunk..<chunk + 10).map {
                                        BusEventDraft(topic: "device", entity: "p\(publisher)-\($0)")
                                    }, on: connection)
                            }
                        }
                    }
                }
                try await publishers.waitForAll()
            }
            let allIDs = try database.query("SELECT id FROM bus_events ORDER BY id").rows.map {
                try $0.decode("id", as: Int64.self)
            }
            #expect(allIDs.count == 4 * perPublisher)
            for name in groups {
                #expect(
                    try await eventually(timeout: .seconds(120)) {
                        try handledIDs(database, group: name).count >= allIDs.count
                    })
                #expect(try handledIDs(database, group: name) == allIDs)
            }
            group.cancelAll()
        }
        await pool.close()
    }

    @Test func burstOfWakeUpsIsHandledInBatches() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        try createHandledTable(database)
        let pool = database.makePool()
        let batches = BatchCounter()
        let gate = BatchCounter()  // 0 = closed: the first batch waits until the burst has been published
        let consumer = EventConsumer(
            group: "counter", topics: ["device"], pool: pool, batchSize: 1_000, pollInterval: .seconds(60),
            logger: TestDatabase.logger
        ) { events, connection in
            batches.add()
            while gate.value == 0 { usleep(1_000) }
            try recordingHandler(group: "counter")(events, connection)
        }
        let total = 2_000
        try await withThrowingTaskGroup(of: Void.self) { group async throws in
            group.addTask { try await consumer.run() }
            let publisher = try DatabaseConnection.connect(database.configuration)
            try publisher.withTransaction { try BusPublisher.publish(BusEventDraft(topic: "device", entity: "first"), on: $0) }
            #expect(try await eventually { batches.value == 1 })
            // While the consumer is busy with its first batch: 2,000 more wake-ups, one transaction each.
            for index in 1..<total {
                try publisher.withTransaction {
                    try BusPublisher.publish(BusEventDraft(topic: "device", entity: "e\(index)"), on: $0)
                }
            }
            gate.add()
            #expect(try await eventually { try handledIDs(database, group: "counter").count >= total })
            group.cancelAll()
        }
        #expect(try handledIDs(database, group: "counter").count == total)
        // 1 blocked batch + 2 batches of up to 1,000 (+1 empty check at most): not 2,000 round trips.
        #expect(batches.value <= 4, "wake-ups must coalesce into batches, got \(batches.value) batches")
        await pool.close()
    }

    @Test func pruningDeletesOnlyWhatEveryGroupHasPassed() async throws {
        let database = try await TestDatabase.create()
        defer { database.drop() }
        try createHandledTable(database)
        let pool = database.makePool()
        let ids = try await pool.withTransaction { connection in
            try BusPublisher.publish(
                (0..<10).map { BusEventDraft(topic: $0 < 5 ? "library" : "device", entity: "e\($0)") }, on: connection)
        }
        let fast = EventConsumer(
            group: "fast", topics: ["library", "device"], pool: pool, logger: TestDatabase.logger,
            handler: recordingHandler(group: "fast"))
        let slow = EventConsumer(
            group: "slow", topics: ["library"], pool: pool, batchSize: 2, logger: TestDatabase.logger,
            handler: recordingHandler(group: "slow"))
        #expect(try await fast.catchUp() == 10)
        // Before "slow" has registered, only "fast" counts: everything it passed may go.
        // Register "slow" first by handling its first two library events.
        try database.query("INSERT INTO bus_events (topic, entity) VALUES ('noise', 'n')")
        try database.query("DELETE FROM bus_events WHERE topic = 'noise'")
        _ = try await pool.withTransaction { connection in
            try connection.query("INSERT INTO bus_cursors (consumer_group) VALUES ('slow')")
        }
        #expect(try await pool.withConnection { try EventPruner.prune(on: $0) } == 0)
        // "slow" handles library events 1–5 in batches of 2, then moves past the device events.
        #expect(try await slow.catchUp() == 5)
        #expect(try handledIDs(database, group: "slow") == Array(ids[0..<5]))
        #expect(try await pool.withConnection { try EventPruner.prune(on: $0) } == 10)
        #expect(try database.query("SELECT count(*) AS n FROM bus_events").first!.decode("n", as: Int.self) == 0)
        await pool.close()
    }
}

/// A thread-safe counter for handler calls.
final class BatchCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
