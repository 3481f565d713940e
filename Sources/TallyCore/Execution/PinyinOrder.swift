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

    /// glibc's sort key of `s`: comparing two keys byte by byte is comparing the texts with `strcoll_l`.
    private static func key(_ s: String, _ locale: locale_t) -> [UInt8] {
        s.withCString { text in
            let n = strxfrm_l(nil, text, 0, locale)
            guard n >= 0 && n < 1 << 32 else { return Array(s.utf8) }   // glibc gives none such; never trust a length blindly
            var buffer = [CChar](repeating: 0, count: n + 1)
            _ = strxfrm_l(&buffer, text, n + 1, locale)
            return buffer.prefix(n).map { UInt8(bitPattern: $0) }
        }
    }

    /// For each row's code into `dictionary`, the rank of its text in pinyin order (texts the
    /// collation finds equal share one). Only the codes the rows use are keyed: a result's column
    /// shares its table's dictionary, which may hold millions of texts the result does not show.
    static func ranks(_ codes: [UInt32], _ dictionary: StringDictionary) -> [Int] {
        guard let locale, dictionary.count > 0 else { return [Int](repeating: 0, count: codes.count) }
        let strings = dictionary.strings
        let distinct = Array(Set(codes.lazy.filter { Int($0) < strings.count }))
        let keys = distinct.map { key(strings[Int($0)], locale) }
        let order = distinct.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
        var rank = [UInt32: Int](minimumCapacity: distinct.count)
        for (k, i) in order.enumerated() { rank[distinct[i]] = k > 0 && keys[order[k - 1]] == keys[i] ? rank[distinct[order[k - 1]]]! : k }
        return codes.map { rank[$0] ?? 0 }
    }
}
