/// # The APIM management-plane emulator
///
/// A local stand-in for the ARM API (api-version 2024-05-01) of one API Management service, built from the
/// official swagger (`../shared/apim-spec/2024-05-01/`) and `apim-rest.md`.
///
/// - `EmulatorServer.start(_:)` runs it in-process (port 0 = ephemeral) and returns a `RunningEmulator`;
///   `EmulatorServer.application(_:)` gives the Hummingbird application for router tests;
///   `apimsync emulator` runs it standalone and prints `listening on http://HOST:PORT` first.
/// - Layout: `Server` (Hummingbird adapter, dropped connections) → `EmulatorStore` (one actor: auth,
///   api-version, throttling, faults, dispatch) → `Handlers` (generic entity semantics, paging, LROs) →
///   `Rules` (per-kind validation, referential checks, cascades, POST actions), with `Kinds` (the kind table),
///   `PolicyXML`/`Policies` (tolerant XML reader/writer, APIM's re-serialization), `Import` + `YAMLLite`
///   (OpenAPI import), `Seed` (a fresh developer-SKU service), `State` (persistence, stats),
///   `TokenEndpoint` (Entra ID stand-in) and `Benchmark` (loopback GET load).
/// - Behaviours taken from observed APIM answers (GitHub issues) rather than the swagger are marked where they
///   are implemented; wording that could not be verified is said to be so in a comment.
/// - Fault `drop`: the connection is closed before any byte of a response is written (the request is not
///   applied). Faults and 429s are decided before a request is applied, so every success is applied once.
public enum EmulatorOverview {}
