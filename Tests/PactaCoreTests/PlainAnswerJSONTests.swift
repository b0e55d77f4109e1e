import Foundation
import PropertyBased
import Testing

@testable import PactaCore

/// The answers' plain reader must read every text it takes exactly as `JSONDecoder` does, and
/// leave everything else to it.
@Suite struct PlainAnswerJSONTests {
    static func plain(_ text: String) -> RawNPSAnswer? { RawNPSAnswer.plain(json: Data(text.utf8)) }

    @Test func theAnswersSendersWriteAreReadPlainly() throws {
        let sent =
            #"{"external_ref":"W-1-7","answered_at":"2026-12-01T13:38:15Z","channel":"atm","touchpoint":"TP-7","transaction":"retiro","score":3,"comment":"Tardaron en atenderme"}"#
        let answer = try #require(Self.plain(sent))
        #expect(
            answer
                == RawNPSAnswer(
                    externalRef: "W-1-7",
                    answeredAt: "2026-12-01T13:38:15Z",
                    channel: "atm",
                    touchpoint: "TP-7",
                    transaction: "retiro",
                    score: "3",
                    comment: "Tardaron en atenderme"
                )
        )
        #expect(Self.plain(" {\n\t\"score\" : \"10\" , \"comment\" : null }\r\n") == RawNPSAnswer(score: "10"))
        #expect(Self.plain(#"{"comment":"Cajero sin efectivo — ¡otra vez! 😠"}"#)?.comment == "Cajero sin efectivo — ¡otra vez! 😠")
        #expect(Self.plain(#"{"score":-0}"#)?.score == "0")
        #expect(Self.plain("{}") == RawNPSAnswer())
    }

    @Test func anythingElseIsLeftToTheDecoder() {
        for text in [
            #"{"comment":"dijo \"mal\""}"#,  // an escape
            #"{"comment":"a\u0000b"}"#,
            "{\"comment\":\"a\u{0}b\"}",  // a raw control character
            "{\"comment\":\"a\nb\"}",
            #"{"score":7.5}"#, #"{"score":7e0}"#, #"{"score":07}"#, #"{"score":1234567890}"#, #"{"score":-}"#,
            #"{"touchpoint":12}"#,  // a number where text goes
            #"{"score":true}"#, #"{"score":[7]}"#, #"{"score":{}}"#,
            #"{"score":7,"score":8}"#,  // a field twice
            #"{"scroe":7}"#,  // a field an answer does not have
            #"{"score":7,}"#, #"{"score":7} x"#, #"{"score":7"#, #"{"score" 7}"#, #"{"score":nul}"#, #"{"score":nullx}"#,
            "", " ", "[]", "null", "\u{FEFF}{}",
        ] {
            #expect(Self.plain(text) == nil, "\(text.debugDescription)")
        }
        // Invalid UTF-8 inside a string.
        #expect(
            RawNPSAnswer.plain(json: Data([0x7B, 0x22, 0x63, 0x6F, 0x6D, 0x6D, 0x65, 0x6E, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])) == nil
        )
    }

    /// Random objects of the answer's fields and a few others, with random spacing, values and
    /// mistakes: whatever the plain reader takes, the decoder reads the same.
    @Test func whatThePlainReaderTakesTheDecoderReadsTheSame() async {
        let keys = RawNPSAnswer.columns + ["scroe", "extra"]
        let texts = [
            "", "A-1", "2026-12-01T09:15:00-05:00", "branch", "TP-0001", "ñandú", "😠 mal", "dijo \"no\"", "a\\b", "tab\there", "a\u{7F}b", "7", " 8 ",
        ]
        let numbers = ["0", "7", "10", "-3", "-0", "123456789", "1234567890", "07", "7.5", "1e2", "-", "00"]
        let spaces = ["", " ", "\n", "\t", "\r\n", "  "]
        var taken = 0
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var random = SplitMix(seed: UInt64(seed))
            func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
            var text = pick(spaces) + "{"
            for index in 0..<Int(random.next() % 9) {
                if index > 0 { text += pick(spaces) + "," }
                let value: String =
                    switch random.next() % 6 {
                    case 0: "null"
                    case 1, 2: pick(numbers)
                    case 3: "true"
                    default: try! String(decoding: JSONEncoder().encode(pick(texts)), as: UTF8.self)
                    }
                text += pick(spaces) + "\"\(pick(keys))\"" + pick(spaces) + ":" + pick(spaces) + value
            }
            text += pick(spaces) + "}" + pick(spaces)
            let data = Data(text.utf8)
            guard let plain = RawNPSAnswer.plain(json: data) else { return }
            taken += 1
            guard case .success(let decoded) = RawNPSAnswer.decoded(json: data) else {
                Issue.record("the decoder refuses what the plain reader took: \(text.debugDescription)")
                return
            }
            #expect(plain == decoded, "\(text.debugDescription)")
        }
        #expect(taken > 300, "the plain reader took \(taken) of the 3000 objects")
    }
}

/// A small seeded generator, so that a failing object can be made again from its seed.
private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
