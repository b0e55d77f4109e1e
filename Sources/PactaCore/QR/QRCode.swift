/// A QR code (ISO/IEC 18004) of some bytes, in byte mode at error-correction level M, versions 1
/// to 10 (up to 213 bytes: a link), for posters. Follows the standard's steps: segment, padding,
/// Reed–Solomon blocks interleaved, function patterns, zigzag placement, the mask of lowest penalty.
public struct QRCode: Sendable, Hashable {
    /// Modules per side: 21 for version 1, four more per version.
    public let size: Int
    public let version: Int
    /// Dark modules, row by row.
    public private(set) var modules: [Bool]
    public private(set) var mask = 0
    private var isFunction: [Bool]

    /// Codewords in all and error-correction codewords per block at level M, and blocks, for versions 1–10.
    static let totalCodewords = [0, 26, 44, 70, 100, 134, 172, 196, 242, 292, 346]
    static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    static let blocks = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5]

    /// Nil when `bytes` do not fit version 10. `mask` forces one of the eight masks (tests compare
    /// with other encoders that way); by default the one of lowest penalty.
    public init?(bytes: [UInt8], mask forced: Int? = nil) {
        var chosen: Int?
        for version in 1...10 {
            let dataBits = (Self.totalCodewords[version] - Self.eccPerBlock[version] * Self.blocks[version]) * 8
            let needed = 4 + (version < 10 ? 8 : 16) + bytes.count * 8
            if needed <= dataBits {
                chosen = version
                break
            }
        }
        guard let version = chosen, version < 10 || bytes.count <= 0xFFFF else { return nil }
        self.version = version
        self.size = version * 4 + 17
        self.modules = Array(repeating: false, count: self.size * self.size)
        self.isFunction = Array(repeating: false, count: self.size * self.size)
        self.drawFunctionPatterns()
        self.drawCodewords(self.addECCAndInterleave(Self.dataCodewords(bytes, version: version)))
        // The mask of lowest penalty.
        var best = (mask: 0, penalty: Int.max)
        for mask in forced.map({ [$0] }) ?? Array(0..<8) {
            self.applyMask(mask)
            self.drawFormatBits(mask)
            let penalty = self.penalty()
            if penalty < best.penalty { best = (mask, penalty) }
            self.applyMask(mask)  // undoes it
        }
        self.mask = best.mask
        self.applyMask(best.mask)
        self.drawFormatBits(best.mask)
    }

    public init?(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    public func isDark(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < self.size && y < self.size && self.modules[y * self.size + x]
    }

    /// The code as SVG: one path of unit squares, a quiet zone of four modules, scaled by the viewer.
    public func svg(title: String) -> String {
        let side = self.size + 8
        var path = ""
        for y in 0..<self.size {
            for x in 0..<self.size where self.isDark(x: x, y: y) {
                path += "M\(x + 4),\(y + 4)h1v1h-1z"
            }
        }
        return "<svg class=\"qr\" viewBox=\"0 0 \(side) \(side)\" role=\"img\" aria-label=\"\(title)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#ffffff\"/><path d=\"\(path)\" fill=\"#000000\"/></svg>"
    }

    // MARK: Data

    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = (Self.totalCodewords[version] - Self.eccPerBlock[version] * Self.blocks[version]) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity {
            append(pad, 8)
            pad ^= 0xEC ^ 0x11
        }
        return stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }

    func addECCAndInterleave(_ data: [UInt8]) -> [UInt8] {
        let blockCount = Self.blocks[self.version]
        let eccLength = Self.eccPerBlock[self.version]
        let raw = Self.totalCodewords[self.version]
        let shortBlocks = blockCount - raw % blockCount
        let shortLength = raw / blockCount
        let divisor = Self.reedSolomonDivisor(degree: eccLength)
        var blocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortLength - eccLength + (index < shortBlocks ? 0 : 1)
            var block = Array(data[offset..<offset + length])
            offset += length
            let ecc = Self.reedSolomonRemainder(block, divisor: divisor)
            // Short blocks get a placeholder so that every block interleaves column by column.
            if index < shortBlocks { block.append(0) }
            blocks.append(block + ecc)
        }
        var result: [UInt8] = []
        for column in 0..<blocks[0].count {
            for (index, block) in blocks.enumerated() where column != shortLength - eccLength || index >= shortBlocks {
                result.append(block[column])
            }
        }
        return result
    }

    static func reedSolomonDivisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = Self.multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = Self.multiply(root, 0x02)
        }
        return result
    }

    static func reedSolomonRemainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= Self.multiply(divisor[index], factor) }
        }
        return result
    }

    /// Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1.
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for shift in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> shift) & 1) * Int(x)
        }
        return UInt8(z)
    }

    // MARK: Modules

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool, function: Bool = true) {
        self.modules[y * self.size + x] = dark
        if function { self.isFunction[y * self.size + x] = true }
    }

    private mutating func drawFunctionPatterns() {
        for index in 0..<self.size {
            self.set(6, index, index % 2 == 0)
            self.set(index, 6, index % 2 == 0)
        }
        self.drawFinder(3, 3)
        self.drawFinder(self.size - 4, 3)
        self.drawFinder(3, self.size - 4)
        let positions = self.alignmentPositions()
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated()
            where !(i == 0 && j == 0) && !(i == 0 && j == positions.count - 1) && !(i == positions.count - 1 && j == 0) {
                for dy in -2...2 {
                    for dx in -2...2 { self.set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        self.drawFormatBits(0)  // reserves the area; drawn again with the mask chosen
        if self.version >= 7 {
            var remainder = self.version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = self.version << 12 | remainder
            for index in 0..<18 {
                let dark = (bits >> index) & 1 == 1
                let a = self.size - 11 + index % 3
                let b = index / 3
                self.set(a, b, dark)
                self.set(b, a, dark)
            }
        }
    }

    private mutating func drawFinder(_ x: Int, _ y: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let distance = max(abs(dx), abs(dy))
                let (xx, yy) = (x + dx, y + dy)
                if xx >= 0 && xx < self.size && yy >= 0 && yy < self.size { self.set(xx, yy, distance != 2 && distance != 4) }
            }
        }
    }

    private func alignmentPositions() -> [Int] {
        guard self.version > 1 else { return [] }
        let count = self.version / 7 + 2
        let step = (self.version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var result = [6]
        var position = self.size - 7
        var rest: [Int] = []
        for _ in 0..<(count - 1) {
            rest.insert(position, at: 0)
            position -= step
        }
        result += rest
        return result
    }

    private mutating func drawFormatBits(_ mask: Int) {
        // Level M is 00.
        let data = 0 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { self.set(8, index, bit(index)) }
        self.set(8, 7, bit(6))
        self.set(8, 8, bit(7))
        self.set(7, 8, bit(8))
        for index in 9..<15 { self.set(14 - index, 8, bit(index)) }
        for index in 0..<8 { self.set(self.size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { self.set(8, self.size - 15 + index, bit(index)) }
        self.set(8, self.size - 8, true)  // the dark module
    }

    private mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = self.size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<self.size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? self.size - 1 - vertical : vertical
                    if !self.isFunction[y * self.size + x] && index < codewords.count * 8 {
                        self.modules[y * self.size + x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                        index += 1
                    }
                }
            }
            right -= 2
        }
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<self.size {
            for x in 0..<self.size where !self.isFunction[y * self.size + x] {
                let invert: Bool =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if invert { self.modules[y * self.size + x].toggle() }
            }
        }
    }

    /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, imbalance.
    private func penalty() -> Int {
        var result = 0
        for horizontal in [true, false] {
            for a in 0..<self.size {
                var run = 0
                var previous = false
                var line: [Bool] = []
                for b in 0..<self.size {
                    let dark = horizontal ? self.isDark(x: b, y: a) : self.isDark(x: a, y: b)
                    line.append(dark)
                    if b > 0 && dark == previous {
                        run += 1
                    } else {
                        if run >= 5 { result += run - 2 }
                        run = 1
                    }
                    previous = dark
                }
                if run >= 5 { result += run - 2 }
                // 1:1:3:1:1 with four light modules on either side (outside the code counts as light).
                let padded = [Bool](repeating: false, count: 4) + line + [Bool](repeating: false, count: 4)
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                for start in 0...(padded.count - 7) where Array(padded[start..<start + 7]) == pattern {
                    let before = start >= 4 && padded[(start - 4)..<start].allSatisfy { !$0 }
                    let after = start + 11 <= padded.count && padded[(start + 7)..<(start + 11)].allSatisfy { !$0 }
                    if before || after { result += 40 }
                }
            }
        }
        for y in 0..<(self.size - 1) {
            for x in 0..<(self.size - 1) {
                let dark = self.isDark(x: x, y: y)
                if dark == self.isDark(x: x + 1, y: y) && dark == self.isDark(x: x, y: y + 1) && dark == self.isDark(x: x + 1, y: y + 1) {
                    result += 3
                }
            }
        }
        let dark = self.modules.filter { $0 }.count
        let total = self.size * self.size
        let deviation = abs(dark * 20 - total * 10)
        result += max(0, (deviation + total - 1) / total - 1) * 10
        return result
    }
}
