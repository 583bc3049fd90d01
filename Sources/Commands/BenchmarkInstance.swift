import ArgumentParser

/// The sizes of instance the reconcile benchmark generates: `large` is the instance the earlier figures were
/// measured on, `small` a tenth of it and `huge` ten times it.
enum BenchmarkInstance: String, CaseIterable, ExpressibleByArgument {
    case small
    case large
    case huge

    /// The generator for this size.
    var generator: LargeInstanceGenerator {
        switch self {
        case .small:
            LargeInstanceGenerator(apis: 30, operationsPerAPI: 10, backends: 10, namedValues: 20, products: 5)
        case .large:
            LargeInstanceGenerator(apis: 300, operationsPerAPI: 10, backends: 100, namedValues: 200, products: 50)
        case .huge:
            LargeInstanceGenerator(apis: 3000, operationsPerAPI: 10, backends: 1000, namedValues: 2000, products: 500)
        }
    }
}

/// Whether ARM's per-principal token buckets are on, in both the emulator and the client.
enum BenchmarkThrottling: String, CaseIterable, ExpressibleByArgument {
    /// Reads 250 + 25/s, writes 200 + 10/s, deletes 200 + 10/s: what every real run meets.
    case arm
    /// No buckets: the run is bound by latency and concurrency only.
    case off
}
