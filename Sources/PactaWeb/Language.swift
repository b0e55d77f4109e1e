import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// The languages of the UI; Spanish first.
public enum Language: String, Sendable, CaseIterable {
    case spanish = "es"
    case english = "en"

    /// The language's own name, for the switch link.
    public var nativeName: String {
        switch self {
        case .spanish: "Español"
        case .english: "English"
        }
    }

    /// The other language, offered by the switch link.
    public var other: Language { self == .spanish ? .english : .spanish }

    /// The best match for an `Accept-Language` header, honouring q-values; Spanish when nothing matches.
    public static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .spanish }
        var best: (language: Language, quality: Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let quality =
                pieces.dropFirst().compactMap { piece -> Double? in
                    piece.hasPrefix("q=") ? Double(piece.dropFirst(2)) : nil
                }.first ?? 1
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary), quality > 0 else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .spanish
    }
}
