#!/usr/bin/env python3
"""Writes the damaged workbooks in damaged/ that XLSXTests reads: each a small .xlsx whose one
sheet has one defect, as a mutated or hand-edited export would (run: python3 make_damaged.py).

Only the standard library: the parts are written by hand into a zip with fixed timestamps, so
running it again gives the same bytes. Every workbook is a header row (A1 `id`, B1 `score`) and
a few data rows; the tests pin the error each gives, worked out by hand from the XML below.
"""
import os
import zipfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "damaged")

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
# Style 0 plain, style 1 a date (built-in format 14).
STYLES = '<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
SHARED = '<sst count="3" uniqueCount="3"><si><t>id</t></si><si><t>score</t></si><si><t>优秀</t></si></sst>'


def sheet(rows):
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData>' + rows + '</sheetData></worksheet>')


def header(row=1):
    return (f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>id</t></is></c>'
            f'<c r="B{row}" t="inlineStr"><is><t>score</t></is></c></row>')


def row(n, *cells):
    """A row of numeric cells A, B, …; a cell given as a tuple is (reference, attributes, value)."""
    out = f'<row r="{n}">'
    for i, c in enumerate(cells):
        ref, attrs, value = c if isinstance(c, tuple) else (f"{'AB'[i]}{n}", "", c)
        out += f'<c r="{ref}"{attrs}><v>{value}</v></c>'
    return out + '</row>'


def write(name, sheet_xml, shared=SHARED, styles=STYLES):
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED) as z:
        def add(part, text):
            z.writestr(zipfile.ZipInfo(part, date_time=(2020, 12, 13, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        add("[Content_Types].xml", CONTENT_TYPES)
        add("xl/workbook.xml", WORKBOOK)
        add("xl/_rels/workbook.xml.rels", RELS)
        add("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            add("xl/sharedStrings.xml", shared)
        if styles is not None:
            add("xl/styles.xml", styles)


os.makedirs(HERE, exist_ok=True)
# Style indexes: negative (a trap once), and beyond the two styles of styles.xml.
write("style_negative.xlsx", sheet(header() + row(2, ("A2", ' s="-1"', 1), 90)))
write("style_unknown.xlsx", sheet(header() + row(2, 1, ("B2", ' s="2"', 90))))
# Columns beyond XFD (16384): one overflowing 64 bits, one of 209 billion, one of 12 million (in row 4).
write("column_overflow.xlsx", sheet(header() + row(2, 1, ("ZZZZZZZZZZZZZZ2", "", 90))))
write("column_huge.xlsx", sheet(header() + row(2, 1, ("ZZZZZZZZ2", "", 90))))
write("column_wide.xlsx", sheet(header() + row(2, 1, 90) + row(3, 2, 85) + row(4, 3, ("ZZZZZ4", "", 70))))
# Shared strings: cited without the part, out of range, negative, not a number.
write("shared_missing.xlsx", sheet(row(1, ("A1", ' t="s"', 0), ("B1", ' t="s"', 1)) + row(2, 1, 90)), shared=None)
write("shared_range.xlsx", sheet(header() + row(2, 1, 90) + row(3, 2, ("B3", ' t="s"', 3))))
write("shared_negative.xlsx", sheet(header() + row(2, 1, ("B2", ' t="s"', -1))))
write("shared_text.xlsx", sheet(header() + row(2, 1, ("B2", ' t="s"', "x"))))
# The sheet's XML cut short inside B7's value; a closing tag changed (</c> of B3 became </d>).
rows = header() + "".join(row(n, n - 1, 80 + n) for n in range(2, 8))
write("truncated.xlsx", sheet(rows)[:sheet(rows).index('<c r="B7"><v>') + len('<c r="B7"><v>8')])
write("corrupt.xlsx", sheet(rows).replace('<c r="B3"><v>83</v></c>', '<c r="B3"><v>83</v></d>'))
# Rows and references: row 0, a reference with its digits first, one of symbols, cells out of order.
write("row_zero.xlsx", sheet(header() + '<row r="0"><c><v>1</v></c><c><v>90</v></c></row>'))
write("ref_digits_first.xlsx", sheet(header() + row(2, ("4A", "", 1), 90)))
write("ref_symbols.xlsx", sheet(header() + row(2, 1, ("!!", "", 90))))
write("cells_unordered.xlsx", sheet(header() + row(2, ("C2", "", 90), ("A2", "", 1))))
write("rows_unordered.xlsx", sheet(header() + row(3, 1, 90) + row(2, 2, 85)))
# A date-formatted number beyond 9999-12-31 (it turned the column to text).
write("date_huge.xlsx", sheet(header() + row(2, 1, ("B2", ' s="1"', 44117)) + row(3, 2, ("B3", ' s="1"', "1e300"))))


def restart_deflate_as_stored(name, part):
    """The part's deflate data made to begin with a stored block of 65535 bytes that runs past the
    end of the file (sizes and directory kept): ZIPFoundation's inflate then never returned."""
    path = os.path.join(HERE, name)
    data = bytearray(open(path, "rb").read())
    h = data.index(b"PK\x03\x04" + b"\x14\x00")
    while data[h + 30:h + 30 + len(part)] != part.encode():
        h = data.index(b"PK\x03\x04", h + 1)
    start = h + 30 + int.from_bytes(data[h + 26:h + 28], "little") + int.from_bytes(data[h + 28:h + 30], "little")
    data[start:start + 5] = b"\x00\xff\xff\x00\x00"
    open(path, "wb").write(bytes(data))


write("deflate_cut.xlsx", sheet(rows))
restart_deflate_as_stored("deflate_cut.xlsx", "xl/worksheets/sheet1.xml")

# A byte changed inside B7's value of a stored (uncompressed) sheet: only the checksum tells.
with zipfile.ZipFile(os.path.join(HERE, "checksum.xlsx"), "w", zipfile.ZIP_STORED) as z:
    for part, text in [("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", RELS),
                       ("xl/worksheets/sheet1.xml", sheet(rows))]:
        z.writestr(zipfile.ZipInfo(part, date_time=(2020, 12, 13, 0, 0, 0)), text.encode("utf-8"))
data = open(os.path.join(HERE, "checksum.xlsx"), "rb").read()
open(os.path.join(HERE, "checksum.xlsx"), "wb").write(data.replace(b'<c r="B7"><v>87<', b'<c r="B7"><v>97<'))
