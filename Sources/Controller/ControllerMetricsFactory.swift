import CoreMetrics
import Prometheus

/// swift-metrics handlers registered in a Prometheus registry with the `# HELP` text of each controller metric
/// (`PrometheusMetricsFactory` registers every metric without one). Buckets and unregistering are
/// `PrometheusMetricsFactory`'s.
public struct ControllerMetricsFactory: MetricsFactory {
    /// Where the metrics are registered; `/metrics` emits it.
    public let registry: PrometheusCollectorRegistry
    private let prometheus: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        prometheus = PrometheusMetricsFactory(registry: registry)
    }

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: label, unitName: "", helpText: ControllerMetrics.Name(rawValue: label)?.help ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(
            descriptor: descriptor(label), labels: dimensions,
            buckets: prometheus.valueHistogramBuckets[label] ?? prometheus.defaultValueHistogramBuckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: descriptor(label), labels: dimensions,
            buckets: prometheus.durationHistogramBuckets[label] ?? prometheus.defaultDurationHistogramBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) { prometheus.destroyCounter(handler) }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        prometheus.destroyFloatingPointCounter(handler)
    }

    public func destroyRecorder(_ handler: any RecorderHandler) { prometheus.destroyRecorder(handler) }

    public func destroyMeter(_ handler: any MeterHandler) { prometheus.destroyMeter(handler) }

    public func destroyTimer(_ handler: any TimerHandler) { prometheus.destroyTimer(handler) }
}
