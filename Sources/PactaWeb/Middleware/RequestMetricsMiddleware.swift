import Dispatch
import Hummingbird
import Metrics
import NIOConcurrencyHelpers

/// Hummingbird's `MetricsMiddleware`, with the same metrics (`hb.requests`,
/// `http.server.request.duration`, `hb.request.errors` per route, method and status, and
/// `http.server.active_requests` per method), but a response of known length is counted as it
/// leaves the handler. Hummingbird's middleware counts every response once written, through a
/// closure around its body; Hummingbird writes a body behind a closure in three writes instead of
/// one with its head, and that cost a quarter of the server's requests per second on `/health`. A
/// streamed body (an export, of unknown length) is still counted once written, so that its
/// duration covers the streaming.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics = RequestMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = self.metrics.active(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let route = RequestMetrics.Route(endpoint: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            if response.body.contentLength != nil {
                self.metrics.record(route, since: started, active: active)
            } else {
                let body = response.body
                response.body = ResponseBody { [metrics] writer in
                    defer { metrics.record(route, since: started, active: active) }
                    try await body.write(writer)
                }
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = RequestMetrics.Route(endpoint: context.endpointPath ?? "NotFound", method: request.method, status: status)
            self.metrics.record(route, since: nil, active: active)
            throw error
        }
    }
}

/// The metrics of ``RequestMetricsMiddleware``, made once per route, method and status.
final class RequestMetrics: Sendable {
    struct Route: Hashable {
        var endpoint: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    private struct Recorders: Sendable {
        var requests: Counter
        var duration: Timer
        var errors: Counter
    }

    private let activeByMethod = NIOLockedValueBox([HTTPRequest.Method: Meter]())
    private let recorders = NIOLockedValueBox([Route: Recorders]())

    func active(_ method: HTTPRequest.Method) -> Meter {
        self.activeByMethod.withLockedValue { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.description)])
            meters[method] = meter
            return meter
        }
    }

    /// One request of `route` answered: its duration from `started`, or, for an error thrown
    /// (`started` nil), an error counted instead.
    func record(_ route: Route, since started: UInt64?, active: Meter) {
        let recorders = self.recorders.withLockedValue { recorders in
            if let found = recorders[route] { return found }
            let dimensions = [
                ("http.route", route.endpoint), ("http.request.method", route.method.description),
                ("http.response.status_code", route.status.code.description),
            ]
            let made = Recorders(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [
                        ("http.route", route.endpoint), ("http.request.method", route.method.description),
                        ("error.type", route.status.code.description),
                    ]
                )
            )
            recorders[route] = made
            return made
        }
        recorders.requests.increment()
        if let started {
            recorders.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
        } else {
            recorders.errors.increment()
        }
        active.decrement()
    }
}
