/// A forward-only scanner over the XML parts of an .xlsx workbook: start tags (with their
/// attributes left unparsed until asked for), end tags and text, as byte ranges. Foundation's
/// XMLParser is 20–35× slower on sheets and fails on Linux for documents over 10 MB; the
/// workbook parts are machine-written, so comments, processing instructions, CDATA and the
/// five entities plus character references are all that needs handling.
///
/// A damaged part (cut short, or with a byte changed in a tag) is caught, not read in part:
/// the scanner keeps the open elements and stops with a `problem` at an end tag that closes
/// another element, at an unterminated tag or comment, or at the end while an element is open.
///
/// A large part is scanned in windows (`isFinal` false until the last): where a window ends
/// inside a tag, a comment or a text, `next()` returns nil with `wantsMore` set and `i` at
/// where that construct starts; the owner keeps the bytes from `i` on, adds the part's next
/// bytes, and sets `b` to the new window with `i` moved to match. The open elements' names are
/// kept as bytes of their own, so nothing refers to a window once its events are handled.
struct XMLScanner {
    enum Event {
        case start(name: Range<Int>, attributes: Range<Int>, empty: Bool)
        case end(name: Range<Int>)
        case text(Range<Int>)
    }

    var b: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Whether `b` holds the rest of the part (else more follows: see the type's note).
    var isFinal = true
    /// `next()` returned nil because the window ends inside a construct that starts at `i`.
    private(set) var wantsMore = false
    /// Why the part is not well-formed (`next()` returned nil early, or at the end), or nil.
    private(set) var problem: String?
    /// The names of the elements open at `i`, outermost first: their bytes one after another,
    /// and where each ends.
    private var openBytes: [UInt8] = []
    private var openEnds: [Int] = []
    private var sawElement = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    mutating func next() -> Event? {
        let n = b.count
        wantsMore = false
        guard problem == nil else { return nil }
        while i < n {
            let at = i
            if b[i] != 60 {   // text up to the next `<`
                while i < n && b[i] != 60 { i += 1 }
                if i == n && !isFinal { return short(at) }
                return .text(at..<i)
            }
            if starts("<!--") { guard skip(past: "-->") else { return isFinal ? fail("it ends inside a comment") : short(at) }; continue }
            if starts("<![CDATA[") {
                let s = i + 9
                guard skip(past: "]]>") else { return isFinal ? fail("it ends inside a CDATA section") : short(at) }
                return .text(s..<max(s, i - 3))
            }
            if starts("<?") || starts("<!") { guard skip(past: ">") else { return isFinal ? fail("it ends inside a tag") : short(at) }; continue }
            if i + 1 < n && b[i + 1] == 47 {   // </name>
                let s = i + 2
                var e = s
                while e < n && b[e] != 62 && b[e] > 32 { e += 1 }
                guard skip(past: ">") else { return isFinal ? fail("it ends inside a tag") : short(at) }
                guard let top = openEnds.last else { return fail("</\(shown(s..<e))> closes no element") }
                let topStart = openEnds.count > 1 ? openEnds[openEnds.count - 2] : 0
                guard top - topStart == e - s, (0..<(e - s)).allSatisfy({ openBytes[topStart + $0] == b[s + $0] }) else {
                    return fail("</\(shown(s..<e))> closes <\(openName(openEnds.count - 1))>")
                }
                openEnds.removeLast()
                openBytes.removeLast(top - topStart)
                return .end(name: s..<e)
            }
            let s = i + 1
            var e = s
            while e < n && b[e] > 32 && b[e] != 62 && b[e] != 47 { e += 1 }
            var j = e
            var quote: UInt8 = 0
            while j < n && (quote != 0 || b[j] != 62) {
                if quote == 0 && (b[j] == 34 || b[j] == 39) { quote = b[j] } else if b[j] == quote { quote = 0 }
                j += 1
            }
            guard j < n else { return isFinal ? fail("it ends inside a tag") : short(at) }
            guard e > s else { return fail("a tag has no name") }
            let empty = b[j - 1] == 47
            i = j + 1
            if !empty {
                openBytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<e]))
                openEnds.append(openBytes.count)
            }
            sawElement = true
            return .start(name: s..<e, attributes: e..<(empty ? j - 1 : j), empty: empty)
        }
        if !isFinal { return short(i) }
        if !openEnds.isEmpty { return fail("it ends inside <\(openName(openEnds.count - 1))> (cut short)") }
        if !sawElement { return fail("it holds no XML") }
        return nil
    }

    /// The window ends inside the construct at `start` (and more of the part follows).
    private mutating func short(_ start: Int) -> Event? {
        i = start
        wantsMore = true
        return nil
    }

    /// The name of the `k`th open element, for a message.
    private func openName(_ k: Int) -> String {
        let name = openBytes[(k > 0 ? openEnds[k - 1] : 0)..<openEnds[k]]
        return XLSXReader.shown(String(decoding: name.prefix(100), as: UTF8.self))
    }

    /// Throws the part's `problem`, if it has one (after `next()` returned nil).
    func finish() throws {
        if let p = problem { throw XLSXReader.Damage(": " + p) }
    }

    private mutating func fail(_ why: String) -> Event? {
        problem = why
        return nil
    }

    private func starts(_ s: StaticString) -> Bool {
        let p = s.utf8Start, k = s.utf8CodeUnitCount
        guard i + k <= b.count else { return false }
        for j in 0..<k where b[i + j] != p[j] { return false }
        return true
    }

    /// Moves past the next `s`; false when the part ends first.
    private mutating func skip(past s: StaticString) -> Bool {
        while i < b.count && !starts(s) { i += 1 }
        guard i < b.count else { return false }
        i += s.utf8CodeUnitCount
        return true
    }

    /// True when the element name's local part (after any `prefix:`) is `local`.
    func isName(_ r: Range<Int>, _ local: StaticString) -> Bool {
        var s = r.lowerBound
        for j in r where b[j] == 58 { s = j + 1 }
        let p = local.utf8Start, k = local.utf8CodeUnitCount
        guard r.upperBound - s == k else { return false }
        for j in 0..<k where b[s + j] != p[j] { return false }
        return true
    }

    /// The raw value of the attribute whose local name is `local`.
    func attribute(_ local: StaticString, in r: Range<Int>) -> Range<Int>? {
        var j = r.lowerBound
        while let (name, value) = nextAttribute(&j, in: r) {
            if isName(name, local) { return value }
        }
        return nil
    }

    /// The attributes of a start tag (its `attributes` range): each name and raw value, in order.
    func attributes(in r: Range<Int>) -> [(name: Range<Int>, value: Range<Int>)] {
        var out: [(name: Range<Int>, value: Range<Int>)] = []
        var j = r.lowerBound
        while let a = nextAttribute(&j, in: r) { out.append(a) }
        return out
    }

    /// The attribute at `j` or after it in `r` (its name and raw value), `j` moved past it.
    private func nextAttribute(_ j: inout Int, in r: Range<Int>) -> (name: Range<Int>, value: Range<Int>)? {
        while j < r.upperBound {
            while j < r.upperBound && b[j] <= 32 { j += 1 }
            let s = j
            while j < r.upperBound && b[j] != 61 && b[j] > 32 { j += 1 }
            let name = s..<j
            while j < r.upperBound && b[j] != 34 && b[j] != 39 { j += 1 }
            guard j < r.upperBound else { return nil }
            let quote = b[j]
            j += 1
            let v = j
            while j < r.upperBound && b[j] != quote { j += 1 }
            let value = v..<min(j, r.upperBound)
            j += 1
            if !name.isEmpty { return (name, value) }
        }
        return nil
    }

    func string(_ r: Range<Int>) -> String {
        if !r.contains(where: { b[$0] == 38 }) { return String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        var out: [UInt8] = []
        appendText(r, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A name or value for a message, cut short (`XLSXReader.shown`).
    func shown(_ r: Range<Int>) -> String { XLSXReader.shown(string(r.prefix(100))) }

    func attributeString(_ local: StaticString, in r: Range<Int>) -> String? {
        attribute(local, in: r).map(string)
    }

    /// Appends text with its entities (`&amp;`, `&#x4E2D;` …) resolved.
    func appendText(_ r: Range<Int>, to out: inout [UInt8]) {
        var j = r.lowerBound
        while j < r.upperBound {
            let c = b[j]
            guard c == 38, let semi = (j + 1..<min(r.upperBound, j + 12)).first(where: { b[$0] == 59 }) else {
                out.append(c); j += 1; continue
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[(j + 1)..<semi]), as: UTF8.self)
            let scalar: UInt32?
            switch name {
            case "lt": scalar = 60
            case "gt": scalar = 62
            case "amp": scalar = 38
            case "quot": scalar = 34
            case "apos": scalar = 39
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") { scalar = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst()) } else { scalar = nil }
            }
            guard let v = scalar, let u = Unicode.Scalar(v) else { out.append(c); j += 1; continue }
            out.append(contentsOf: Array(String(u).utf8))
            j = semi + 1
        }
    }
}
