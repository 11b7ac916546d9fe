// swift-tools-version:6.1
// Managed OS: five services over one PostgreSQL database (libpq), sharing a pure domain module.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// What every service executable links: the shared modules and the server stack.
var serviceDependencies: [Target.Dependency] {
    [
        "Database", "EventBus", "ManagedOSDomain", "ServiceSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    ]
}

/// What a service's in-process test target links.
var serviceTestDependencies: [Target.Dependency] {
    [
        "Database", "EventBus", "ManagedOSDomain", "ServiceSupport", "TestSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
    ]
}

let package = Package(
    name: "managed-os",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "library-api", targets: ["LibraryAPI"]),
        .executable(name: "scheduler", targets: ["Scheduler"]),
        .executable(name: "declaration-publisher", targets: ["DeclarationPublisher"]),
        .executable(name: "status-ingest", targets: ["StatusIngest"]),
        .executable(name: "self-service-gateway", targets: ["SelfServiceGateway"]),
        .executable(name: "mac-simulator", targets: ["MacSimulator"]),
        .executable(name: "managed-os-bench-db", targets: ["DatabaseBenchmark"]),
        .executable(name: "managed-os-bench-evaluation", targets: ["EvaluationBenchmark"]),
        .executable(name: "managed-os-bench-status-ingest", targets: ["StatusIngestBenchmark"]),
        .executable(name: "managed-os-bench-library-api", targets: ["LibraryAPIBenchmark"]),
        .executable(name: "managed-os-bench-scheduler", targets: ["SchedulerBenchmark"]),
        .executable(name: "managed-os-bench-self-service", targets: ["SelfServiceGatewayBenchmark"]),
        .executable(name: "managed-os-bench-declaration-publisher", targets: ["DeclarationPublisherBenchmark"]),
        .executable(name: "managed-os-bench-summary", targets: ["BenchmarkSummaryTool"]),
        .library(name: "ManagedOSDomain", targets: ["ManagedOSDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: Shared modules
        .systemLibrary(
            name: "CLibPQ",
            path: "Shared/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Digests",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Digests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Database",
            dependencies: [
                "CLibPQ", "Digests",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Database",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EventBus",
            dependencies: [
                "Database",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/EventBus",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ManagedOSDomain",
            path: "Shared/ManagedOSDomain",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AppleFeedSnapshots",
            dependencies: ["ManagedOSDomain"],
            path: "Shared/AppleFeedSnapshots",
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceSupport",
            dependencies: [
                "Database",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Shared/ServiceSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DeclarativeManagement",
            dependencies: ["ManagedOSDomain", "Digests"],
            path: "Shared/DeclarativeManagement",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FleetStore",
            dependencies: [
                "Database", "Digests", "EventBus", "ManagedOSDomain", "DeclarativeManagement",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/FleetStore",
            swiftSettings: swiftSettings
        ),

        // MARK: Services
        .target(
            name: "LibraryAPIService",
            dependencies: serviceDependencies + [
                "AppleFeedSnapshots", "Digests", "FleetStore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Services/LibraryAPI/Service",
            resources: [.copy("OpenAPI/openapi.json"), .copy("Console/Templates")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "LibraryAPI",
            dependencies: serviceDependencies + ["LibraryAPIService"],
            path: "Services/LibraryAPI/Main",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SchedulerService",
            dependencies: serviceDependencies + [
                "FleetStore", "DeclarativeManagement", "AppleFeedSnapshots", "Digests",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Services/Scheduler/Service",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Scheduler",
            dependencies: serviceDependencies + ["SchedulerService"],
            path: "Services/Scheduler/Main",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DeclarationPublisherService",
            dependencies: serviceDependencies + [
                "FleetStore", "DeclarativeManagement",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Services/DeclarationPublisher/Service",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DeclarationPublisher",
            dependencies: serviceDependencies + ["DeclarationPublisherService"],
            path: "Services/DeclarationPublisher/Main",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StatusIngestService",
            dependencies: serviceDependencies + [.product(name: "Crypto", package: "swift-crypto")],
            path: "Services/StatusIngest/Service",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "StatusIngest",
            dependencies: serviceDependencies + ["StatusIngestService"],
            path: "Services/StatusIngest/Main",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SelfServiceGatewayService",
            dependencies: serviceDependencies + [
                "Digests", "FleetStore", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/SelfServiceGateway/Service",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SelfServiceGateway",
            dependencies: serviceDependencies + ["SelfServiceGatewayService"],
            path: "Services/SelfServiceGateway/Main",
            swiftSettings: swiftSettings
        ),

        // MARK: Tools
        .target(
            name: "MacSimulation",
            dependencies: ["ManagedOSDomain"],
            path: "Tools/MacSimulator/Simulation",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MacSimulator",
            dependencies: [
                "MacSimulation", "ManagedOSDomain", "AppleFeedSnapshots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tools/MacSimulator/Main",
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks
        .target(
            name: "BenchmarkSupport",
            path: "Benchmarks/BenchmarkSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DatabaseBenchmark",
            dependencies: [
                "Database", "EventBus", "BenchmarkSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DatabaseBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EvaluationBenchmark",
            dependencies: [
                "ManagedOSDomain", "AppleFeedSnapshots", "BenchmarkSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/EvaluationBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "StatusIngestBenchmark",
            dependencies: [
                "Database", "BenchmarkSupport", "ServiceSupport", "StatusIngestService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StatusIngestBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "LibraryAPIBenchmark",
            dependencies: [
                "Database", "BenchmarkSupport", "EventBus", "LibraryAPIService", "FleetStore", "ManagedOSDomain",
                "AppleFeedSnapshots", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/LibraryAPIBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SelfServiceGatewayBenchmark",
            dependencies: [
                "Database", "BenchmarkSupport", "ManagedOSDomain", "SelfServiceGatewayService", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SelfServiceGatewayBenchmark",
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "SchedulerBenchmark",
            dependencies: [
                "Database", "EventBus", "ManagedOSDomain", "AppleFeedSnapshots", "BenchmarkSupport", "SchedulerService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SchedulerBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DeclarationPublisherBenchmark",
            dependencies: [
                "Database", "BenchmarkSupport", "DeclarationPublisherService", "DeclarativeManagement",
                "FleetStore", "ManagedOSDomain", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/DeclarationPublisherBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BenchmarkSummaryTool",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/BenchmarkSummaryTool",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "BenchmarkSupportTests",
            dependencies: ["BenchmarkSupport"],
            path: "Tests/BenchmarkSupportTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DatabaseTests",
            dependencies: ["Database", "Digests", "TestSupport"],
            path: "Tests/DatabaseTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventBusTests",
            dependencies: ["EventBus", "Database", "TestSupport"],
            path: "Tests/EventBusTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ManagedOSDomainTests",
            dependencies: [
                "ManagedOSDomain", "AppleFeedSnapshots",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/ManagedOSDomainTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Database", "TestSupport", "ServiceSupport", "ManagedOSDomain", "FleetStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/ServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StatusIngestTests",
            dependencies: serviceTestDependencies + ["StatusIngestService"],
            path: "Tests/StatusIngestTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LibraryAPITests",
            dependencies: serviceTestDependencies + [
                "LibraryAPIService", "AppleFeedSnapshots", "FleetStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/LibraryAPITests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeclarativeManagementTests",
            dependencies: [
                "DeclarativeManagement", "ManagedOSDomain", "AppleFeedSnapshots",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/DeclarativeManagementTests",
            resources: [.copy("AppleSchemas")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FleetStoreTests",
            dependencies: [
                "FleetStore", "Database", "DeclarativeManagement", "Digests", "EventBus", "ManagedOSDomain",
                "AppleFeedSnapshots",
                "TestSupport",
            ],
            path: "Tests/FleetStoreTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: serviceTestDependencies + [
                "SchedulerService", "FleetStore", "DeclarativeManagement", "AppleFeedSnapshots",
            ],
            path: "Tests/SchedulerTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeclarationPublisherTests",
            dependencies: serviceTestDependencies + [
                "DeclarationPublisherService", "FleetStore", "DeclarativeManagement", "AppleFeedSnapshots",
            ],
            path: "Tests/DeclarationPublisherTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SelfServiceGatewayTests",
            dependencies: serviceTestDependencies + [
                "SelfServiceGatewayService", "FleetStore", "AppleFeedSnapshots", "StatusIngestService",
            ],
            path: "Tests/SelfServiceGatewayTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MacSimulatorTests",
            dependencies: ["MacSimulation", "ManagedOSDomain", "AppleFeedSnapshots"],
            path: "Tests/MacSimulatorTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Database", "Digests", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
    ]
)
