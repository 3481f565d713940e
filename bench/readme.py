#!/usr/bin/env python3
"""Copies bench/results/latest.md into the "## Speed" section of the project README.

    python3 bench/readme.py [RESULTS.md]

The section runs from its heading to the next "## " heading (or the end of the file); it is
created at the end of the README if missing. Nothing else in the README changes. Headings of
the results move down one level to sit under "## Speed".
"""

import os
import re
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(os.path.dirname(BENCH), "README.md")

INTRO = """## Speed

`bench/run` builds Tally, generates the sample at scale 1 and 10 (and 30 with `--with-30`),
installs the DuckDB CLI, DuckDB, ClickHouse (chdb) and Polars into `bench/.venv`, checks that they
and sqlite3 give the same answers as Tally to five report questions, then times them side by
side (`bench/run --quick`: scale 1 only, about three minutes). What the columns mean and the
caveats: [bench/README.md](bench/README.md). The latest run (copied from
`bench/results/latest.md` by `python3 bench/readme.py`):

"""


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(BENCH, "results", "latest.md")
    with open(src, encoding="utf-8") as f:
        results = f.read().strip()
    results = re.sub(r"^(#{2,5}) ", lambda m: "#" + m.group(1) + " ", results, flags=re.M)
    section = INTRO + results + "\n"
    with open(README, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Speed[ \t]*$", text, re.M)
    if m:
        nxt = re.search(r"^## ", text[m.end():], re.M)
        end = m.end() + nxt.start() if nxt else len(text)
        tail = text[end:]
        text = text[: m.start()] + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(README, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"updated the Speed section of {os.path.relpath(README)} from {os.path.relpath(src)}")


if __name__ == "__main__":
    main()
