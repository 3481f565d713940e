#!/usr/bin/env python3
"""Writes Sources/TallyCore/Output/DisplayWidthTable.swift from Python's Unicode database."""
import pathlib
import unicodedata


def ranges(pred):
    out, start = [], None
    for cp in range(0x110000):
        ok = pred(cp)
        if ok and start is None:
            start = cp
        if not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def fmt(rs):
    lines, cur = [], "        "
    for a, b in rs:
        item = f"0x{a:X}...0x{b:X}"
        if len(cur) + len(item) + 2 > 100:
            lines.append(cur.rstrip())
            cur = "        "
        cur += item + ", "
    lines.append(cur.rstrip())
    return "\n".join(lines)


wide = ranges(lambda cp: unicodedata.east_asian_width(chr(cp)) in ("W", "F"))
zero = ranges(lambda cp: cp != 0xAD and (unicodedata.category(chr(cp)) in ("Mn", "Me", "Cf") or 0x1160 <= cp <= 0x11FF))
src = f'''// Generated from Unicode {unicodedata.unidata_version} (East_Asian_Width W/F; categories Mn, Me, Cf) by
// `python3 Scripts/gen-width-table.py`. Do not edit by hand.

extension DisplayWidth {{
    /// Code point ranges that take two terminal cells.
    static let wideRanges: [ClosedRange<UInt32>] = [
{fmt(wide)}
    ]

    /// Code point ranges that take no cell (combining marks, format characters).
    static let zeroRanges: [ClosedRange<UInt32>] = [
{fmt(zero)}
    ]
}}
'''
root = pathlib.Path(__file__).resolve().parent.parent
(root / "Sources/TallyCore/Output/DisplayWidthTable.swift").write_text(src)
