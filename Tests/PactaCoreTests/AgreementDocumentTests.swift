import Foundation
import PactaCore
import PactaTestSupport
import Testing

@Suite struct AgreementDocumentTests {
    @Test func canonicalJSONIsRFC8785WithTheCalendarsByValue() throws {
        let document = AgreementDocument(code: "TI-CRED", version: 3, terms: Fixtures.terms(), calendars: [Fixtures.officeHours])
        let json = String(decoding: try document.canonicalJSON(), as: UTF8.self)
        #expect(
            json.hasPrefix(
                #"{"calendars":[{"code":"oficina-uio","holidays":[{"date":"2026-08-10","name":"Primer Grito de Independencia"}],"hours":{"friday":["08:30-13:00","14:00-17:30"],"#
            )
        )
        #expect(
            json.contains(
                #""time_zone":"America/Guayaquil"}],"code":"TI-CRED","terms":{"cadence":"monthly","client":"CRED","commitments":[{"calendar":"oficina-uio","goal":0.95,"#
            )
        )
        #expect(json.contains(#""target":28800,"#), "numbers as ECMAScript writes them: no 28800.0")
        #expect(json.hasSuffix(#""valid_from":"2026-01-01","valid_to":"2026-12-31"},"version":3}"#))
        #expect(!json.contains(" :") && !json.contains("\n"))
        #expect(
            try CanonicalJSON.serialize(try PactaJSON.decoder.decode(JSONValue.self, from: Data(json.utf8))) == Array(json.utf8),
            "already canonical"
        )
    }

    @Test func hashIsStableAcrossARoundTripAndChangesWithAnyField() throws {
        let document = AgreementDocument(code: "TI-CRED", version: 1, terms: Fixtures.terms(), calendars: [Fixtures.officeHours])
        let decoded = try PactaJSON.decoder.decode(AgreementDocument.self, from: Data(try document.canonicalJSON()))
        #expect(decoded == document)
        #expect(try decoded.sha256() == document.sha256())
        #expect(try document.sha256().count == 64)
        var changed = document
        changed.terms.commitments[1].weight = 1.5
        #expect(try changed.sha256() != document.sha256())
        var otherVersion = document
        otherVersion.version = 2
        #expect(try otherVersion.sha256() != document.sha256())
        var otherCalendar = document
        otherCalendar.calendars[0].hours[.saturday] = [TimeRange("09:00-12:00")!]
        #expect(try otherCalendar.sha256() != document.sha256())
    }

    @Test func knownDigest() {
        // SHA-256 of "abc" (FIPS 180-2 test vector).
        #expect(Hashing.sha256Hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
