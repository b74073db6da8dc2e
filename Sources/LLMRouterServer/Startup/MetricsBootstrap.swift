import Metrics
public import Prometheus

/// The process-wide Prometheus registry behind `GET /metrics`.
public enum MetricsBootstrap {
    /// `nil` until ``bootstrap()`` runs; tests never bootstrap the global metrics system.
    nonisolated(unsafe) public private(set) static var registry: PrometheusCollectorRegistry?

    /// Points swift-metrics at a Prometheus registry. Call once, from `main`, before serving.
    public static func bootstrap() {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(factory(registry: registry))
        Self.registry = registry
    }

    /// A factory on `registry` whose histograms have buckets that fit what they measure: the
    /// router's own overhead is sub-millisecond, upstream times run to minutes.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = RequestMetricsRecorder.histogramBuckets
        return factory
    }
}
