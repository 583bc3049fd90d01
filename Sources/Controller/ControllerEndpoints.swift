import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import NIOCore
import Prometheus

/// The controller's HTTP endpoints: `/healthz` (liveness), `/readyz` (a cycle has read APIM and planned),
/// `/status` (JSON), `/metrics` (Prometheus text format) and `POST /reconcile` (start a cycle now, e.g. from
/// a git webhook). Nothing here reads or writes APIM, and no secret is ever in a response.
public enum ControllerEndpoints {
    /// The endpoints as a Hummingbird application (a `Service`); `onListening` receives the bound port.
    public static func application(
        host: String, port: Int, loop: ReconcileLoop, registry: PrometheusCollectorRegistry,
        logger: Logger = Logger(label: "apimsync.controller.http"),
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ in text("ok\n") }
        router.get("readyz") { _, _ in
            let ready = await loop.status.isReady
            return text(
                ready ? "ready\n" : "not ready: no cycle has completed yet\n", status: ready ? .ok : .serviceUnavailable
            )
        }
        router.get("status") { _, _ in
            text(
                await loop.status.json.serialized(pretty: true, sortKeys: false) + "\n", contentType: "application/json"
            )
        }
        router.get("metrics") { _, _ in
            text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.post("reconcile") { _, _ in
            await loop.reconcileNow()
            return text("cycle requested\n", status: .accepted)
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }

    private static func text(
        _ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8"
    ) -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
