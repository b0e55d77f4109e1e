import Foundation
import PactaCore
import Testing

@testable import PactaStore

/// The hand reader of stored ratings reads what JSONEncoder writes, and leaves anything else to JSONDecoder.
@Suite struct StoredRatingsTests {
    @Test func whatTheEncoderWritesIsReadBack() throws {
        var generator = SeededGenerator(seed: 5)
        let keys = ["timeliness", "quality", "attitude", "communication", "knowledge", "x_1"]
        for _ in 0..<2_000 {
            var ratings: [String: Int] = [:]
            for key in keys where Bool.random(using: &generator) { ratings[key] = Int.random(in: 1...5, using: &generator) }
            let json = String(decoding: try JSONEncoder().encode(ratings), as: UTF8.self)
            #expect(CampaignRepository.flatRatings(json) == ratings, "\(json)")
            #expect(try CampaignRepository.ratings(json) == ratings)
        }
    }

    @Test func anythingElseIsLeftToTheDecoder() throws {
        #expect(CampaignRepository.flatRatings(#" { "a" : 4 , "b":5 } "#) == ["a": 4, "b": 5])
        for odd in [#"{"a":4,}"#, #"{"a":-1}"#, #"{"a\u0041":4}"#, #"{"a":4.5}"#, #"["a"]"#, #"{"a":4}x"#, "", #"{"a":"4"}"#] {
            #expect(CampaignRepository.flatRatings(odd) == nil, "\(odd)")
        }
        // Escaped keys are still read, by the decoder.
        #expect(try CampaignRepository.ratings(#"{"a\u0041":4}"#) == ["aA": 4])
        #expect(throws: DatabaseError.self) { try CampaignRepository.ratings(#"{"a":"4"}"#) }
    }
}
