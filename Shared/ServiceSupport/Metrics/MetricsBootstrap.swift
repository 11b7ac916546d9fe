// MetricsBootstrap: installs the Prometheus backend for swift-metrics once per process.

import Metrics
import Prometheus

/// Owns the process's Prometheus registry; every swift-metrics `Counter`, `Timer`, … created in the process
/// (by Hummingbird, the database pool or a service) lands in it and is served by `GET /metrics`.
public enum MetricsBootstrap {
    /// The registry, created and installed with `MetricsSystem.bootstrap` on first use. swift-metrics allows
    /// one bootstrap per process; the lazy `static let` guarantees exactly one, even under concurrency.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Bootstraps metrics (if not done yet), records which service this process is and returns the registry.
    @discardableResult
    public static func bootstrap(service: ServiceDescriptor) -> PrometheusCollectorRegistry {
        let registry = Self.registry
        Gauge(label: "managed_os_service_info", dimensions: [("service", service.name)]).record(1)
        return registry
    }

    /// The metrics in Prometheus text exposition format (version 0.0.4).
    public static func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The `Content-Type` of ``exposition()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
