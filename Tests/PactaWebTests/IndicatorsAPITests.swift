import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/agreements/{code}/indicators`: measurements, their audit trail and manual values; and the warnings of requests
/// about to breach a time commitment.
@Suite struct IndicatorsAPITests {
    @Test(arguments: TestDatabase.available)
    func indicatorsOfAPeriodAsJSONAndCSV(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var response = try await app.activate(client)
                #expect(try response.decode(AgreementJSON.self).state == .active)
                let requests = """
                    [{"external_ref": "A", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-10-05T09:00:00-05:00", "resolved_at": "2026-10-05T10:00:00-05:00"},
                     {"external_ref": "B", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-10-06T09:00:00-05:00"}]
                    """
                response = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(requests))
                #expect(try response.decode(ImportReport.self).created == 2)

                let at = "at=2026-11-01T00:00:00-05:00"
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-10&\(at)",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.status == .ok)
                let measurement = try #require(try response.decode(MeasurementsBody.self).measurements.first)
                #expect(measurement.met == 1 && measurement.missed == 1)
                #expect(measurement.value == 0.5 && measurement.status == .notMet)

                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators/requests?period=2026-10&format=csv&\(at)",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                // B: Tuesday 6 from 09:00 (7.5 h) and 18 more working days of 8 h until November.
                #expect(
                    response.text
                        == "external_ref,commitment,priority,opened_at,business_seconds,outcome\r\nA,C1,P1,2026-10-05T14:00:00Z,3600,met\r\nB,C1,P1,2026-10-06T14:00:00Z,545400,missed\r\n"
                )

                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=octubre",
                    method: .get,
                    headers: app.api(.viewer)
                )
                #expect(response.status == .badRequest)
                #expect(try response.apiError().field == "period")

                response = try await client.execute(uri: "/agreements/TI-CRED/indicators?period=2026-10", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("C1"))
                #expect(!response.text.contains("&amp;page=2"), "one page")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func theAuditTrailComesAPageAtATime(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await app.activate(client)
                let rows = (1...201).map { "R\($0),TI,CRED,Correo,P1,2026-10-05T09:00:00-05:00,,2026-10-05T10:00:00-05:00,\n" }.joined()
                var headers = app.api(.manager)
                headers[.contentType] = "text/csv"
                var response = try await client.execute(
                    uri: "/api/v1/requests",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: "external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses\n" + rows)
                )
                #expect(try response.decode(ImportReport.self).created == 201)
                response = try await client.execute(uri: "/agreements/TI-CRED/indicators?period=2026-10", method: .get, headers: app.browser(.viewer))
                #expect(response.text.contains("1–200") && response.text.contains("/agreements/TI-CRED/indicators?period=2026-10&amp;page=2"))
                #expect(!response.text.contains(#"page=0"#) && !response.text.contains(#"&amp;page=1" rel="prev""#))
                response = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-10&page=2",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(response.text.contains("201–201") && response.text.contains(#"&amp;page=1" rel="prev""#))
                #expect(!response.text.contains(#"&amp;page=3""#))
                #expect(response.text.components(separatedBy: "<tr>").count - 1 == 1 + 1 + 1 + 1, "header rows, C1 and one audit line")
                response = try await client.execute(
                    uri: "/agreements/TI-CRED/indicators?period=2026-10&page=99",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                #expect(response.status == .ok && response.text.contains("201–201"), "past the end: the last page")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func warningsListOpenRequestsPastTheThreshold(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                _ = try await app.activate(client)
                // "Now" is Monday 2026-09-21 09:13 in Guayaquil; the target is 8 business hours.
                let requests = """
                    [{"external_ref": "OLD", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-09-16T09:00:00-05:00"},
                     {"external_ref": "NEW", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1", "opened_at": "2026-09-21T08:30:00-05:00"},
                     {"external_ref": "DONE", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P1",
                      "opened_at": "2026-09-16T09:00:00-05:00", "resolved_at": "2026-09-16T10:00:00-05:00"}]
                    """
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(requests))
                var response = try await client.execute(uri: "/api/v1/warnings", method: .get, headers: app.api(.viewer))
                let items = try response.decode(Items<WarningsJSON.Item>.self).items
                #expect(items.map(\.externalRef) == ["OLD"])
                #expect(items.first?.breached == true)
                // 7 h 30 on Wednesday, the last half hour on Thursday from 08:30.
                #expect(items.first?.dueAt == "2026-09-17T14:00:00Z")
                // The request itself: its agreement and what it counts as, now or at another instant.
                response = try await client.execute(uri: "/api/v1/requests/TI/OLD", method: .get, headers: app.api(.viewer))
                #expect(response.status == .ok)
                let detail = try response.decode(RequestDetailBody.self)
                #expect(detail.agreement == "TI-CRED")
                let evaluations = detail.commitments
                #expect(evaluations.map(\.commitment) == ["C1"])
                #expect(evaluations.first?.outcome == .missed && evaluations.first?.dueAt == "2026-09-17T14:00:00Z")
                response = try await client.execute(
                    uri: "/api/v1/requests/TI/OLD?at=2026-09-16T10:00:00-05:00",
                    method: .get,
                    headers: app.api(.viewer)
                )
                let earlier = try response.decode(RequestDetailBody.self).commitments.first
                #expect(earlier?.businessSeconds == 3600)
                #expect(earlier?.outcome == .pending)
                response = try await client.execute(uri: "/api/v1/requests/TI/OLD?at=ayer", method: .get, headers: app.api(.viewer))
                #expect(response.status == .badRequest)
                #expect(try response.apiError().field == "at")
                response = try await client.execute(uri: "/api/v1/requests/TI/NADA", method: .get, headers: app.api(.viewer))
                #expect(response.status == .notFound)
                // References hold anything a ticket tool puts in them: links encode them, routes decode them.
                let odd =
                    #"{"external_ref": "A/B 1%ñ?", "provider": "TI", "client": "CRED", "service": "Correo", "priority": "P3", "opened_at": "2026-09-16T09:00:00-05:00"}"#
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(odd))
                response = try await client.execute(
                    uri: "/requests/lookup?provider=TI&ref=A%2FB+1%25%C3%B1%3F",
                    method: .get,
                    headers: app.browser(.viewer)
                )
                let location = try #require(response.headers[.location])
                #expect(location == "/requests/TI/A%2FB%201%25%C3%B1%3F")
                response = try await client.execute(uri: location, method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("A/B 1%ñ?"))
                #expect(response.text.contains("TI-CRED"), "matched to the agreement")
                response = try await client.execute(uri: "/api/v1" + location, method: .get, headers: app.api(.viewer))
                let oddDetail = try response.decode(RequestDetailBody.self)
                #expect(oddDetail.externalRef == "A/B 1%ñ?")
                #expect(oddDetail.commitments.isEmpty, "C1 applies to P1 only")
                // A request no agreement covers says so.
                let loose =
                    #"{"external_ref": "SUELTA", "provider": "TI", "client": "GG", "service": "Correo", "priority": "P1", "opened_at": "2026-09-16T09:00:00-05:00"}"#
                _ = try await client.execute(uri: "/api/v1/requests", method: .post, headers: app.api(.manager), body: TestApp.json(loose))
                response = try await client.execute(uri: "/requests/TI/SUELTA", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("Ninguno") && !response.text.contains(#"href="""#))
                response = try await client.execute(uri: "/requests/lookup?provider=TI&ref=+OLD+", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .seeOther && response.headers[.location] == "/requests/TI/OLD")
                response = try await client.execute(uri: "/requests/TI/OLD", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("TI-CRED") && response.text.contains("2026-09-17 09:00"))

                response = try await client.execute(uri: "/api/v1/warnings?unit=GG", method: .get, headers: app.api(.viewer))
                #expect(try response.decode(Items<WarningsJSON.Item>.self).items.isEmpty)
                response = try await client.execute(uri: "/warnings?unit=TI", method: .get, headers: app.browser(.viewer))
                #expect(response.status == .ok && response.text.contains("OLD"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func manualCommitmentsTakeAValueWithEvidence(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let agreement = TestApp.agreement.replacingOccurrences(
                    of: #""commitments": ["#,
                    with:
                        #""commitments": [{"key": "M1", "name": "Cierre contable a tiempo", "metric": "manual", "target": 5, "direction": "at_most"}, "#
                )
                var response = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(agreement)
                )
                #expect(response.status == .created)
                let path = "/api/v1/agreements/TI-CRED/indicators/manual"
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 4, "evidence": ""}"#)
                )
                #expect(response.status == .unprocessableContent)
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "C9", "period": "2026-10", "value": 4, "evidence": "x"}"#)
                )
                #expect(try response.apiError().code == "unknown_commitment")
                // The second commitment got the key C2 by position; it is measured from requests.
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "C2", "period": "2026-10", "value": 4, "evidence": "x"}"#)
                )
                #expect(try response.apiError().code == "not_manual")
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 4, "evidence": "Acta de cierre 10/2026"}"#)
                )
                #expect(response.status == .ok)
                var manual = try response.decode(MeasurementsBody.self).measurement("M1")
                #expect(manual?.value == 4 && manual?.status == .met)
                response = try await client.execute(
                    uri: path,
                    method: .put,
                    headers: app.api(.manager),
                    body: TestApp.json(#"{"commitment": "M1", "period": "2026-10", "value": 7.5, "evidence": "Acta corregida"}"#)
                )
                manual = try response.decode(MeasurementsBody.self).measurement("M1")
                #expect(manual?.value == 7.5 && manual?.status == .notMet)
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/indicators?period=2026-11",
                    method: .get,
                    headers: app.api(.viewer)
                )
                manual = try response.decode(MeasurementsBody.self).measurement("M1")
                #expect(manual?.status == .noData, "another period has no value yet")
            }
        }
    }
}
