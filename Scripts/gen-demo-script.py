#!/usr/bin/env python3
"""Writes Sources/TallyCLI/DemoScript.swift: Examples/period-report.tally as a Swift string,
so `tally demo` runs anywhere. Run after editing the example (`make demo-script`); a test
checks that the two agree byte for byte."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "Examples/period-report.tally").read_bytes().decode("utf-8")
if "\r" in text or not text.endswith("\n"):
    raise SystemExit("Examples/period-report.tally: use LF line ends, and end with one")
# A raw multi-line literal keeps backslashes and quotes; enough `#`s that nothing inside ends it.
hashes = "#"
while f'"""{hashes}' in text or f'\\{hashes}' in text:
    hashes += "#"
# The line break before the closing delimiter is not part of the literal: add one.
body = text + "\n"
out = f'''// Generated from Examples/period-report.tally by `python3 Scripts/gen-demo-script.py`
// (make demo-script). Do not edit by hand: DemoScriptTests checks it equals the file.

/// The period report `tally demo` runs, built into the binary so it runs from any folder.
enum DemoScript {{
    static let name = "period-report.tally"
    static let text = {hashes}"""
{body}"""{hashes}
}}
'''
(root / "Sources/TallyCLI/DemoScript.swift").write_text(out, encoding="utf-8")
