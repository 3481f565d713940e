#!/usr/bin/env python3
"""Writes the messy-export fixtures that ImportTests, EncodingTests and XLSXTests read.

Run from anywhere: python3 make_fixtures.py (needs openpyxl and xlsxwriter: pip install
openpyxl xlsxwriter). The files are committed; the tests never run this script. Every
expected value in the tests was worked out by hand from the data below, not from Tally.
"""
import datetime as dt
import os

import openpyxl
import xlsxwriter
from openpyxl.styles import Alignment

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text, encoding="utf-8", newline="\n"):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(text.replace("\n", newline).encode(encoding))


def write_bytes(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------------
# The same four courses, four ways: UTF-8 CSV, GBK CSV (Excel style), two .xlsx workbooks.
HEADER = ["课程编号", "项目", "学时", "选课人数", "通过率", "是否必修", "开课日期", "最后更新", "备注"]
COURSES = [
    ("C0001", "市常规远程培训", 10, 1234, 0.9213, True, dt.date(2020, 10, 13), dt.datetime(2020, 10, 13, 8, 30, 0), "含讨论"),
    ("C0002", "提升工程2.0", 20, 56, 0.5, False, dt.date(2020, 10, 14), dt.datetime(2020, 10, 14, 9, 5, 7), None),
    ("C0003", "市常规远程培训", 8, 225319, 1.0, True, dt.date(2020, 11, 1), dt.datetime(2020, 11, 2, 23, 59, 59), "重开"),
    ("C0004", "提升工程2.0", 10, 0, None, False, dt.date(2020, 12, 13), dt.datetime(2020, 12, 13, 0, 0, 0), None),
]


def pct(x):
    return f"{x * 100:.2f}".rstrip("0").rstrip(".")


# Plain UTF-8, LF, ISO dates, 是/否, empty cells for nulls, percentages as numbers.
lines = [",".join(HEADER)]
for c in COURSES:
    lines.append(",".join([c[0], c[1], str(c[2]), str(c[3]), "" if c[4] is None else pct(c[4]), "是" if c[5] else "否",
                           c[6].isoformat(), c[7].strftime("%Y-%m-%d %H:%M:%S"), c[8] or ""]))
write("courses_utf8.csv", "\n".join(lines) + "\n")

# What Excel's "Save as CSV" gives on Chinese Windows: GBK, CRLF, a title row, thousands
# separators, percent signs, slashed dates, `-` and `无` for missing values, trailing blank lines.
lines = ["2020年第二期课程统计,,,,,,,,", ",".join(HEADER)]
for c in COURSES:
    lines.append(",".join([c[0], c[1], str(c[2]), f'"{c[3]:,}"', "-" if c[4] is None else pct(c[4]) + "%", "是" if c[5] else "否",
                           f"{c[6].year}/{c[6].month}/{c[6].day}",
                           f"{c[7].year}/{c[7].month}/{c[7].day} {c[7].hour}:{c[7].minute:02}:{c[7].second:02}", c[8] or "无"]))
write("courses_gbk.csv", "\n".join(lines) + "\n\n,,,,,,,,\n", encoding="gbk", newline="\r\n")

# openpyxl: inline strings, a title row, real dates, a 0.00% format, booleans, a 合计 row.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "课程"
ws.append(["2020年第二期课程统计"])
ws.append(HEADER)
for c in COURSES:
    ws.append(list(c))
    r = ws.max_row
    ws.cell(r, 5).number_format = "0.00%"
    ws.cell(r, 7).number_format = "yyyy-mm-dd"
    ws.cell(r, 8).number_format = "yyyy-mm-dd hh:mm:ss"
ws.append(["合计", None, 48, 226609])
wb.create_sheet("说明").append(["本表由平台导出"])
wb.save(os.path.join(HERE, "courses_openpyxl.xlsx"))

# xlsxwriter: shared strings, built-in date formats (14 and 22), the 1904 date system, sparse cells.
wb = xlsxwriter.Workbook(os.path.join(HERE, "courses_xlsxwriter.xlsx"), {"date_1904": True})
ws = wb.add_worksheet("Sheet1")
date14, stamp22, percent = wb.add_format({"num_format": 14}), wb.add_format({"num_format": 22}), wb.add_format({"num_format": 10})
ws.write_row(0, 0, HEADER)
for i, c in enumerate(COURSES, start=1):
    ws.write_string(i, 0, c[0]); ws.write_string(i, 1, c[1]); ws.write_number(i, 2, c[2]); ws.write_number(i, 3, c[3])
    if c[4] is not None:
        ws.write_number(i, 4, c[4], percent)
    ws.write_boolean(i, 5, c[5])
    ws.write_datetime(i, 6, dt.datetime.combine(c[6], dt.time()), date14)
    ws.write_datetime(i, 7, c[7], stamp22)
    if c[8]:
        ws.write_string(i, 8, c[8])
wb.close()

# ---------------------------------------------------------------------------------------------
# One file per quirk.
write("bom.csv", "\ufeffid,名称\n1,甲\n2,乙\n")
write("utf16le.txt", "\ufeffid\t名称\t人数\n1\t甲\t3\n2\t乙\t4\n", encoding="utf-16-le", newline="\r\n")
write("utf16be.csv", "\ufeffid,名称\n1,甲\n", encoding="utf-16-be")
write("title_notes.csv", "2020年培训统计表\n导出时间：2020-12-13,,\n\n区,学校数,人数\n越秀区,12,340\n海珠区,9,215\n")
write("quoted.csv", 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4, "spaced" \n')
write("numbers.csv", 'a,b,c,d,e\n"225,319",92.13%,1.2万,１２３,"-1,234.5"\n"1,000",50%,3亿,４５．５,7\n12,0.5%,0.5万,－８,"2,000,000"\n')
write("booleans.csv", "a,b,c,d\n是,Y,true,TRUE\n否,N,false,False\n是,y,TRUE,true\n")
write("dates.csv", "a,b,c,d\n2020年10月13日,2020/10/13,2020/10/13 8:30,2020-1-5\n2020年1月5日,2020/1/5,2020/1/5 23:59:59,2020.12.31\n")
write("nulls.csv", "k,v\na,-\nb,—\nc,/\nd,NULL\ne,N/A\nf,#N/A\ng,无\nh,暂无\ni,\nj,7\nk,null\n")
write("spaces_blank.csv", "name , n\n  甲  ,  1 \n 乙,2  \n\n,\n\n\n")
write("leading_zeros.csv", "code,n\n00123,1\n00456,2\n789,3\n")
write("totals.csv", "区,人数\n越秀区,10\n海珠区,20\n小计,30\n天河区,5\n合  计：,35\n")
write("wide_header.csv", "序号,区,选课人数,,通过人数,\n,,人次,人数,人次,人数\n1,越秀区,100,80,90,70\n2,海珠区,50,40,45,35\n")

# Malformed: each gives a located error (pinned in the tests).
write("unterminated_quote.csv", 'id,note\n1,ok\n2,"never closed\n3,x\n')
write("ragged_short.csv", "id,name,n\n1,甲,3\n2,乙\n3,丙,5\n")
write("ragged_long.csv", "id,name\n1,甲\n2,乙,多余\n3,丙\n")
write("text_after_quote.csv", 'id,note\n1,"ok"\n2,"bad"x\n3,"ok"\n')
write_bytes("bad_gbk.csv", "id,名称\n1,甲\n".encode("gbk") + b"2,\xff\xfe\n" + "3,丙\n".encode("gbk"))
write_bytes("bad_utf8.csv", "id,名称\n1,甲\n".encode("utf-8") + b"2,\xe7\x94\n" + "3,丙\n".encode("utf-8"))
write("bad_type.csv", "teacher_id,score\nGZ001,90\nGZ002,优秀\nGZ003,85.5\n")

# A sheet shaped like a report: title, two-row merged header, notes, a total row, a bad cell.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "统计"
ws.append(["2020年第二期各区参训统计"])
ws.merge_cells("A1:F1")
ws.append(["说明：数据截至2020年12月13日"])
ws.append(["序号", "区", "选课人数", None, "通过人数", None])
ws.append([None, None, "人次", "人数", "人次", "人数"])
ws.merge_cells("A3:A4"); ws.merge_cells("B3:B4"); ws.merge_cells("C3:D3"); ws.merge_cells("E3:F3")
ws.append([1, "越秀区", 100, 80, 90, 70])
ws.append([2, "海珠区", 50, None, 45, 35])
ws.append([None, "小计", 150, 80, 135, 105])
ws.append([3, "天河区", "-", 12, "暂无", 11])
ws.append([None, "合计", 150, 92, 135, 116])
ws.cell(3, 3).alignment = Alignment(horizontal="center")
wb.save(os.path.join(HERE, "report.xlsx"))

wb = openpyxl.Workbook()
ws = wb.active
ws.append(["teacher_id", "score"])
ws.append(["GZ001", 90])
ws.append(["GZ002", "优秀"])
wb.save(os.path.join(HERE, "bad_type.xlsx"))

# A workbook whose first sheet is a notes page (lines of text, no table): the table is on the
# second sheet, and a third holds a single remark.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "说明"
for line in ["本表由平台导出", "统计口径：2002 期全部课程", "导出时间：2020-12-01"]:
    ws.append([line])
ws = wb.create_sheet("课程")
ws.append(["course_id", "title", "enrolled"])
ws.append(["C1", "数学", 10])
ws.append(["C2", "语文", 20])
wb.create_sheet("附表").append(["备注：无"])
wb.save(os.path.join(HERE, "notes_first.xlsx"))
