#!/usr/bin/env python3
"""Writes the fuzz targets' language seeds and dictionary (run: python3 Fuzz/make_seeds.py).

- seeds/script/: each ```tally block of Grammar.md, each statement of the golden tests
  (Tests/TallyCoreTests/Golden/*.test) and each golden script of the command-line tests,
  for the `parse` and `format` targets.
- tally.dict: a libFuzzer dictionary of the language's keywords (the `Keyword` enum of
  Sources/TallyCore/Syntax/Lexical.swift; symbols from Token.swift) and string forms. FuzzReplayTests checks
  that it lists every keyword.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / "Fuzz"

scripts = re.findall(r"```tally\n(.*?)```", (ROOT / "Grammar.md").read_text(), re.S)
for test in sorted((ROOT / "Tests/TallyCoreTests/Golden").glob("*.test")):
    # A record is `statement ok|error` or `query`, its text, then `----` or a blank line.
    for m in re.finditer(r"^(?:statement \w+|query)\n(.*?)(?:^----$|^$)", test.read_text(), re.S | re.M):
        scripts.append(m.group(1))
scripts += [p.read_text() for p in sorted((ROOT / "Tests/TallyCLITests/Golden").glob("*.tally"))]

seeds = FUZZ / "seeds/script"
seeds.mkdir(parents=True, exist_ok=True)
for old in seeds.glob("*.tally"):
    old.unlink()
for i, text in enumerate(dict.fromkeys(s.strip() + "\n" for s in scripts if s.strip())):
    (seeds / f"{i:03}.tally").write_text(text)

token = (ROOT / "Sources/TallyCore/Syntax/Lexical.swift").read_text() + (ROOT / "Sources/TallyCore/Syntax/Token.swift").read_text()
enum = re.search(r"public enum Keyword: String.*?\{(.*?)\n\n", token, re.S).group(1)
keywords = [k.strip("`") for line in re.findall(r"^\s*case (.*)$", enum, re.M) for k in line.split(", ")]
symbols = re.findall(r'= "([^"]+)"', re.search(r"public enum Symbol.*?\n\}", token, re.S).group(0))
lines = ["# libFuzzer dictionary for Tally scripts, written by Fuzz/make_seeds.py from Lexical.swift and Token.swift."]
lines += [f'kw_{k}="{k}"' for k in keywords]
lines += [f'sym_{i}="{s}"' for i, s in enumerate(symbols)]
# The names of the `query` target's tables (FuzzTargets.query).
lines += [f'name_{n}="{n}"' for n in ("t", "u", "k", "v", "x", "ok", "day", "name", "u.name", "t.k")]
lines += ['str_open="\\""', 'interp_open="{"', 'interp_close="}"', 'interp_digits=":.2}"', 'newline="\\x0a"', 'backtick="`"']
(FUZZ / "tally.dict").write_text("\n".join(lines) + "\n")
print(f"{len(list(seeds.glob('*.tally')))} seeds, {len(keywords)} keywords")
