import Foundation
import PactaCore
import PactaTestSupport
import Testing

@Suite struct AgreementDocumentTests {
    @Test func canonicalJSONIsSortedCompactSnakeCase() throws {
        let document = AgreementDocument(code: "TI-CRED", version: 3, terms: Fixtures.terms())
        let json = String(decoding: document.canonicalJSON(), as: UTF8.self)
        #expect(json.hasPrefix(#"{"code":"TI-CRED","terms":{"cadence":"monthly","client":"CRED","commitments":[{"calendar":"oficina-uio","goal":0.95,"#))
        #expect(json.contains(#""valid_from":"2026-01-01","valid_to":"2026-12-31"},"version":3}"#))
        #expect(!json.contains(" :") && !json.contains("\n"))
    }

    @Test func hashIsStableAcrossARoundTripAndChangesWithAnyField() throws {
        let document = AgreementDocument(code: "TI-CRED", version: 1, terms: Fixtures.terms())
        let decoded = try PactaJSON.decoder.decode(AgreementDocument.self, from: Data(document.canonicalJSON()))
        #expect(decoded == document)
        #expect(decoded.sha256 == document.sha256)
        #expect(document.sha256.count == 64)
        var changed = document
        changed.terms.commitments[1].weight = 1.5
        #expect(changed.sha256 != document.sha256)
        var otherVersion = document
        otherVersion.version = 2
        #expect(otherVersion.sha256 != document.sha256)
    }

    @Test func knownDigest() {
        // SHA-256 of "abc" (FIPS 180-2 test vector).
        #expect(Hashing.sha256Hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
