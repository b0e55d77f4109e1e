import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// The UI texts of one language, loaded from `templates/messages/<lang>.json`.
///
/// Immutable after loading, hence safe to share between requests.
public final class Messages: @unchecked Sendable {
    /// The nested dictionaries handed to templates as `t`.
    let tree: [String: Any]
    /// The language the texts are in, which also decides how numbers are written.
    public let language: Language

    init(tree: [String: Any], language: Language) {
        self.tree = tree
        self.language = language
    }

    /// Loads `directory/<language>.json`.
    static func load(directory: URL, language: Language) throws -> Messages {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
        guard let tree = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HTTPErrorMessage("templates/messages/\(language.rawValue).json is not a JSON object")
        }
        return Messages(tree: tree, language: language)
    }

    /// The text at a dotted key (`states.active`), or nil.
    public func text(_ key: String) -> String? {
        var node: Any = self.tree
        for part in key.split(separator: ".") {
            guard let dictionary = node as? [String: Any], let next = dictionary[String(part)] else { return nil }
            node = next
        }
        return node as? String
    }

    /// A number without needless decimals, with the language's decimal mark: `2,5` in Spanish,
    /// `2.5` in English.
    public func number(_ value: Double) -> String {
        let text = Format.number(value)
        return self.language == .spanish ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// A share (0–1) as a percentage with one decimal at most: `85,2 %`.
    public func percent(_ share: Double) -> String {
        "\(self.number((share * 1000).rounded() / 10)) %"
    }

    /// The text at `key`, or `fallback` when the key is missing.
    public func text(_ key: String, or fallback: String) -> String {
        self.text(key) ?? fallback
    }
}

/// An error carrying a plain message, for start-up problems.
struct HTTPErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
