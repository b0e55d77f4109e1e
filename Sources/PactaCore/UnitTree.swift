/// The organisation's units as a tree: who lies below whom, which is what scope is made of.
public struct UnitTree: Sendable, Hashable {
    /// Each unit's parent; a top unit maps to nil.
    private var parents: [String: String?]

    public init(_ units: some Sequence<OrgUnit>) {
        self.parents = Dictionary(units.map { ($0.code, $0.parent) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether the unit exists.
    public func contains(_ unit: String) -> Bool { self.parents[unit] != nil }

    /// The unit's parent, if it has one.
    public func parent(of unit: String) -> String? { self.parents[unit] ?? nil }

    /// Whether `unit` is `ancestor` itself or lies somewhere below it.
    public func isWithin(_ unit: String, _ ancestor: String) -> Bool {
        var current: String? = unit
        // The store refuses cycles; the bound keeps a corrupted table from looping forever.
        for _ in 0...self.parents.count {
            guard let code = current else { return false }
            if code == ancestor { return true }
            current = self.parent(of: code)
        }
        return false
    }

    /// `root` and every unit below it.
    public func subtree(of root: String) -> Set<String> {
        Set(self.parents.keys.filter { self.isWithin($0, root) })
    }

    /// A copy with `unit` placed under `parent` (added when new).
    public func with(_ unit: String, under parent: String?) -> UnitTree {
        var tree = self
        tree.parents[unit] = .some(parent)
        return tree
    }
}
