#if canImport(Glibc)
import Glibc
#endif

/// `sort COLUMN pinyin`: text in the order of glibc's zh_CN.UTF-8 collation — the one
/// `LC_ALL=zh_CN.UTF-8 sort` uses, which orders Chinese characters by their pinyin (a character
/// with two readings by the one the locale gives it: 重庆 under zhòng), then Latin letters.
///
/// glibc computes a sort key per distinct value (`strxfrm_l`), never per row; the values are then
/// ranked by their keys, and the rows compare ranks. Texts the collation does not tell apart
/// (characters it does not know: private use, unassigned) share a rank: they are tied, and keep
/// their order as any ties do — as `sort` keeps such lines in their input order.
enum PinyinOrder {
    static let localeName = "zh_CN.UTF-8"

    /// The collation, made once; nil where the system has no such locale.
    nonisolated(unsafe) private static let locale: locale_t? = newlocale(LC_COLLATE_MASK, localeName, nil)

    /// Why pinyin order cannot be had here (the locale is missing), or nil.
    static var unavailable: OperationError? {
        guard locale == nil else { return nil }
        return OperationError(message: "pinyin order needs the \(localeName) locale, which this system does not have",
                              notes: ["make it (as root): localedef -i zh_CN -f UTF-8 \(localeName); on Debian the package `locales` provides localedef"])
    }

    /// For each row's code into `dictionary`, the rank of its text in pinyin order (texts the
    /// collation finds equal share one). Only the codes the rows use are keyed: a result's column
    /// shares its table's dictionary, which may hold millions of texts the result does not show.
    static func ranks(_ codes: Codes, _ dictionary: StringDictionary) -> [Int] {
        guard let locale, dictionary.count > 0 else { return [Int](repeating: 0, count: codes.count) }
        let strings = dictionary.strings
        // The distinct codes in use, and the sort key of each, in one arena.
        var rank = [Int](repeating: -1, count: strings.count)
        var distinct: [Int] = [], arena: [UInt8] = [], offsets: [Int] = [], lengths: [Int] = []
        var buffer = [CChar](repeating: 0, count: 256)
        for c in codes.lazy.map(Int.init) where c < strings.count && rank[c] == -1 {
            rank[c] = 0
            distinct.append(c)
            offsets.append(arena.count)
            appendKey(strings[c], locale, to: &arena, buffer: &buffer)
            lengths.append(arena.count - offsets[offsets.count - 1])
        }
        let order = StringDictionary.byteOrder(arena, offsets, lengths).map(Int.init)
        func key(_ i: Int) -> ArraySlice<UInt8> { arena[offsets[i]..<offsets[i] + lengths[i]] }
        for (k, i) in order.enumerated() {
            rank[distinct[i]] = k > 0 && key(order[k - 1]) == key(i) ? rank[distinct[order[k - 1]]] : k
        }
        return codes.map { Int($0) < strings.count ? rank[Int($0)] : 0 }
    }

    /// Appends glibc's sort key of `s` (strxfrm_l) to `arena`: comparing two keys byte by byte
    /// is comparing the texts with strcoll_l.
    private static func appendKey(_ s: String, _ locale: locale_t, to arena: inout [UInt8], buffer: inout [CChar]) {
        s.withCString { text in
            var n = strxfrm_l(&buffer, text, buffer.count, locale)
            if n >= buffer.count {   // the key did not fit: again with room for it
                buffer = [CChar](repeating: 0, count: n + 1)
                n = strxfrm_l(&buffer, text, buffer.count, locale)
            }
            buffer.withUnsafeBytes { arena.append(contentsOf: $0.prefix(min(n, buffer.count))) }
        }
    }
}
