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

    init(tree: [String: Any]) {
        self.tree = tree
    }

    /// Loads `directory/<language>.json`.
    static func load(directory: URL, language: Language) throws -> Messages {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
        guard let tree = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HTTPErrorMessage("templates/messages/\(language.rawValue).json is not a JSON object")
        }
        return Messages(tree: tree)
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
