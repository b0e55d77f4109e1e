import Foundation
import PactaCore
import Testing

@Suite struct CanonicalJSONTests {
    private func canonical(_ json: String) throws -> [UInt8] {
        try CanonicalJSON.serialize(JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }

    /// RFC 8785 §3.2.2 input, §3.2.3 output and §3.2.4 bytes.
    @Test func rfcPrimitiveSample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        let bytes = try self.canonical(input)
        #expect(bytes == Array(expected.utf8))
        let hex = """
            7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
            75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
            5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
            65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
            5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
            30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
            """
        #expect(bytes == hex.split(whereSeparator: \.isWhitespace).map { UInt8($0, radix: 16)! })
    }

    /// RFC 8785 §3.2.3: keys compare as UTF-16 code units, so the emoji's surrogates sort below U+FB33.
    @Test func rfcSortingSample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let rfcOrder = [
            "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign",
            "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh",
        ]
        let output = String(decoding: try self.canonical(input), as: UTF8.self)
        let positions = rfcOrder.map { output.range(of: "\"\($0)\"")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let expected =
            #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","\#u{F6}":"Latin Small Letter O With Diaeresis","#
            + #""\#u{20AC}":"Euro Sign","\#u{1F600}":"Emoji: Grinning Face","\#u{FB33}":"Hebrew Letter Dalet With Dagesh"}"#
        #expect(Array(output.utf8) == Array(expected.utf8))
    }

    /// RFC 8785 Appendix B, Table 1, minus the NaN and Infinity rows (see below).
    @Test(
        arguments: [
            (0x0000_0000_0000_0000, "0"),
            (0x8000_0000_0000_0000, "0"),
            (0x0000_0000_0000_0001, "5e-324"),
            (0x8000_0000_0000_0001, "-5e-324"),
            (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"),
            (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"),
            (0x4340_0000_0000_0000, "9007199254740992"),
            (0xc340_0000_0000_0000, "-9007199254740992"),
            (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"),
            (0x44b5_2d02_c7e1_4af6, "1e+23"),
            (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
            (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"),
            (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
            (0x444b_1ae4_d6e2_ef50, "1e+21"),
            (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"),
            (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
            (0x41b3_de43_5555_5553, "333333333.3333332"),
            (0x41b3_de43_5555_5554, "333333333.33333325"),
            (0x41b3_de43_5555_5555, "333333333.3333333"),
            (0x41b3_de43_5555_5556, "333333333.3333334"),
            (0x41b3_de43_5555_5557, "333333333.33333343"),
            (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
            (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
        ] as [(UInt64, String)]
    )
    func rfcNumberSamples(bits: UInt64, expected: String) throws {
        let bytes = try CanonicalJSON.serialize(.number(Double(bitPattern: bits)))
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    /// RFC 8785 Appendix B's NaN and Infinity rows have no JSON form, so serializing them must fail.
    @Test(arguments: [0x7fff_ffff_ffff_ffff, 0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000] as [UInt64])
    func nonFiniteNumbersAreRefused(bits: UInt64) {
        #expect(throws: CanonicalJSON.Error.self) { try CanonicalJSON.serialize(.number(Double(bitPattern: bits))) }
    }

    @Test func decodingKeepsLiteralsApartFromNumbers() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"[true,false,1,0,"1",null,{"a":[]}]"#.utf8))
        #expect(value == .array([.bool(true), .bool(false), .number(1), .number(0), .string("1"), .null, .object(["a": .array([])])]))
    }

    @Test func controlCharactersUseShortEscapesOrLowercaseHex() throws {
        let bytes = try CanonicalJSON.serialize(.string("\u{0}\u{8}\t\n\u{B}\u{C}\r\u{1F} /\u{7F}é"))
        #expect(String(decoding: bytes, as: UTF8.self) == #""\u0000\b\t\n\u000b\f\r\u001f /\#u{7F}é""#)
    }

    @Test func encodableValuesAreCanonicalizedThroughTheirEncoder() throws {
        struct Sample: Encodable {
            var zeta = 1.0
            var alpha = ["b": 2, "a": 1]
        }
        let bytes = try CanonicalJSON.serialize(Sample(), encoder: JSONEncoder())
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"alpha":{"a":1,"b":2},"zeta":1}"#)
    }

    @Test func signaturesRoundTripThroughTheAPIsJSON() throws {
        let signature = Signature(
            version: 2,
            side: .client,
            signer: "ana",
            signerName: "Ana",
            unit: "CRED",
            signedAt: Date(timeIntervalSince1970: 1_790_000_000),
            sha256: String(repeating: "a", count: 64),
            channel: "api",
            tokenID: 7
        )
        let data = try PactaJSON.encoder.encode(signature)
        #expect(String(decoding: data, as: UTF8.self).contains(#""token_id":7"#))
        #expect(try PactaJSON.decoder.decode(Signature.self, from: data) == signature)
    }
}
