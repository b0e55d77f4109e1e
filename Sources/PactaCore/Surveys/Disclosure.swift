/// Which groups of answers may be shown without revealing a group of fewer than `k` answers,
/// either directly or by subtracting shown figures from each other (complementary suppression).
///
/// Groups nest (a campaign holds providers, a provider its agreements). Every figure is made
/// of sums, and a shown group's count is shown too, so anyone can subtract: a shown group minus
/// the largest shown groups inside it reveals the answers of the rest (its *residual*). A group
/// is shown when it has at least `k` answers and every shown group's residual is empty or has at
/// least `k` answers; where a residual is too small, the smallest shown group inside it is
/// hidden as well, until none is.
public enum Disclosure {
    public struct Group: Sendable, Hashable {
        public var id: String
        /// The group it belongs to; nil for the outermost.
        public var parent: String?
        /// Its answers, those of the groups inside it included.
        public var responses: Int

        public init(id: String, parent: String?, responses: Int) {
            self.id = id
            self.parent = parent
            self.responses = responses
        }
    }

    /// The ids of the groups whose figures may be shown.
    public static func shown(_ groups: [Group], k: Int) -> Set<String> {
        let byID = Dictionary(groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var children: [String: [Group]] = [:]
        for group in groups {
            if let parent = group.parent { children[parent, default: []].append(group) }
        }
        var shown = Set(groups.filter { $0.responses >= max(k, 1) }.map(\.id))

        /// The shown groups inside `id` not inside another shown group inside it.
        func outermostShown(inside id: String) -> [Group] {
            (children[id] ?? []).flatMap { child in shown.contains(child.id) ? [child] : outermostShown(inside: child.id) }
        }

        // Innermost first, in a fixed order, so that the outcome does not depend on the input's.
        let depths = Dictionary(groups.map { ($0.id, Self.depth($0, byID)) }, uniquingKeysWith: { first, _ in first })
        let order = groups.sorted { (-depths[$0.id, default: 0], $0.id) < (-depths[$1.id, default: 0], $1.id) }
        var changed = true
        while changed {
            changed = false
            for group in order where shown.contains(group.id) {
                let inside = outermostShown(inside: group.id)
                let residual = group.responses - inside.reduce(0) { $0 + $1.responses }
                guard residual > 0, residual < k else { continue }
                let smallest = inside.min { ($0.responses, $0.id) < ($1.responses, $1.id) }
                shown.remove(smallest?.id ?? group.id)
                changed = true
                break
            }
        }
        return shown
    }

    private static func depth(_ group: Group, _ byID: [String: Group]) -> Int {
        var depth = 0
        var parent = group.parent
        while let id = parent, depth <= byID.count {
            depth += 1
            parent = byID[id]?.parent
        }
        return depth
    }
}
