import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import PactaWeb

/// `RequestMetricsMiddleware` keeps Hummingbird's request metrics: every answer counted once
/// with its duration, a buffered one as it leaves the handler and a streamed one once written,
/// and an error thrown counted as an error.
@Suite struct RequestMetricsTests {
    /// The sample of `metric` whose labels include all of `labels` ("" when there is none yet).
    static func sample(_ metric: String, _ labels: [String]) -> Double {
        let text = String(decoding: ProcessMetrics.registry.emitToBuffer(), as: UTF8.self)
        let line = text.split(separator: "\n").first { line in
            line.hasPrefix(metric + "{") && labels.allSatisfy { line.contains($0) }
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func buffersStreamsAndErrorsAreCountedOnceEach() async throws {
        _ = ProcessMetrics.registry
        // Routes of this test alone: other suites running meanwhile count requests too.
        let prefix = "/metrics-test-\(UInt32.random(in: 0...UInt32.max))"
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware())
        router.get("\(prefix)/buffer") { _, _ in "in hand" }
        router.get("\(prefix)/stream") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for part in ["one ", "two ", "three"] { try await writer.write(ByteBuffer(string: part)) }
                    try await writer.finish(nil)
                }
            )
        }
        router.get("\(prefix)/refused") { _, _ -> String in throw HTTPError(.conflict) }
        let app = Application(router: router)
        try await app.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "\(prefix)/buffer", method: .get) { #expect(String(buffer: $0.body) == "in hand") }
            }
            try await client.execute(uri: "\(prefix)/stream", method: .get) { #expect(String(buffer: $0.body) == "one two three") }
            try await client.execute(uri: "\(prefix)/refused", method: .get) { #expect($0.status == .conflict) }
        }
        let route = { (path: String) in "http_route=\"\(prefix)/\(path)\"" }
        #expect(Self.sample("hb_requests", [route("buffer"), "http_response_status_code=\"200\""]) == 3)
        #expect(Self.sample("http_server_request_duration_count", [route("buffer")]) == 3)
        #expect(Self.sample("hb_requests", [route("stream"), "http_response_status_code=\"200\""]) == 1)
        #expect(Self.sample("http_server_request_duration_count", [route("stream")]) == 1)
        #expect(Self.sample("hb_requests", [route("refused"), "http_response_status_code=\"409\""]) == 1)
        #expect(Self.sample("hb_request_errors", [route("refused"), "error_type=\"409\""]) == 1)
        #expect(Self.sample("http_server_request_duration_count", [route("refused")]) == 0, "an error has no duration, as in Hummingbird")
    }
}
