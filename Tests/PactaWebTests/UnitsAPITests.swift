import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// `/api/v1/units`.
@Suite struct UnitsAPITests {
    @Test(arguments: TestDatabase.available)
    func unitImportIsAllOrNothingWithEveryBadRowReported(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                let csv = "name,code,parent,extra\nOperaciones,OPS,TI,x\nMala,a b,TI,\nHuérfana,ORF,NOPE,\n\"Call, center\",CALL,OPS,\n"
                var headers = app.api(.manager, json: false)
                headers[.contentType] = "text/csv"
                var response = try await client.execute(uri: "/api/v1/units/import", method: .post, headers: headers, body: ByteBuffer(string: csv))
                #expect(response.status == .unprocessableContent)
                let problems = try response.decode(ImportReport.self).problems
                #expect(problems.map(\.line) == [3, 4])
                #expect(problems.map(\.column) == ["code", "parent"])
                #expect(try await app.store.units.get("OPS") == nil)

                response = try await client.execute(
                    uri: "/api/v1/units/import?skip_invalid=true",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: csv)
                )
                #expect(response.status == .ok)
                let report = try response.decode(ImportReport.self)
                #expect(report.created == 2)
                #expect(report.skipped == 2)
                #expect(try await app.store.units.get("CALL") == OrgUnit(code: "CALL", name: "Call, center", parent: "OPS"))
            }
        }
    }
}
