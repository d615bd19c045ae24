#!/usr/bin/env python3
"""Mark the held-out quarter of the corpus in index.yaml.

The held-out entries are scored separately by corpus_test.go and must never be
read to write classification rules: they tell whether the rules learnt from
the other three quarters carry over to texts nobody tuned them on.

    python3 testdata/corpus/holdout.py --seed 4127 --initial   # done once
    python3 testdata/corpus/holdout.py --seed 4127             # new entries only

--initial draws the whole quarter, stratified by `expect`: each group of n
entries (sorted by id) gives round(n/4) entries, drawn with random.Random(seed)
— so every cause with 4 or more texts has at least one held out, and a cause
with 1 or 2 texts keeps them all for training. It rewrites every `heldout:`
line. It was run once, when the corpus was gathered; do not run it again, or
texts already read for rules would move into the held-out set.

Without --initial only entries that have no `heldout:` line yet are decided,
each on its own: held out when sha256(seed:id) falls in the lowest quarter.
That keeps the fraction near 25 % as texts are added, and no one chooses
which new text is held out.

Standard library only; it edits index.yaml line by line, relying on the layout
the file already has (`- id:` opens an entry; fields are indented two spaces).
"""
import argparse
import hashlib
import os
import random
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
INDEX = os.path.join(HERE, "index.yaml")


def entries(lines):
    """Yield (start, end, id, expect, heldout_line_index) for each entry."""
    starts = [i for i, l in enumerate(lines) if l.startswith("- id:")]
    starts.append(len(lines))
    for a, b in zip(starts, starts[1:]):
        eid = lines[a].split(":", 1)[1].strip()
        expect, held = None, None
        for i in range(a + 1, b):
            m = re.match(r"  (\w+):\s*(.*)$", lines[i])
            if not m:
                continue
            if m.group(1) == "expect":
                expect = m.group(2).strip()
            elif m.group(1) == "heldout":
                held = i
        yield a, b, eid, expect, held


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--initial", action="store_true", help="draw the whole quarter again (once only)")
    args = ap.parse_args()

    lines = open(INDEX, encoding="utf-8").read().split("\n")
    ents = list(entries(lines))
    inserts = []  # (line index to insert after, text)

    if args.initial:
        groups = defaultdict(list)
        for e in ents:
            groups[e[3]].append(e)
        rng = random.Random(args.seed)
        chosen = set()
        for expect in sorted(groups):
            g = sorted(groups[expect], key=lambda e: e[2])
            k = int(len(g) / 4 + 0.5)  # round half up
            if len(g) < 3:
                k = 0
            for e in rng.sample(g, k):
                chosen.add(e[2])
        for a, b, eid, expect, held in ents:
            v = "true" if eid in chosen else "false"
            if held is None:
                inserts.append((a + 2, f"  heldout: {v}"))
            else:
                lines[held] = f"  heldout: {v}"
    else:
        for a, b, eid, expect, held in ents:
            if held is not None:
                continue
            h = hashlib.sha256(f"{args.seed}:{eid}".encode()).digest()
            v = "true" if h[0] < 64 else "false"
            inserts.append((a + 2, f"  heldout: {v}"))

    for at, text in sorted(inserts, reverse=True):
        lines.insert(min(at, len(lines)), text)
    open(INDEX, "w", encoding="utf-8").write("\n".join(lines))

    total = sum(1 for l in lines if l.startswith("- id:"))
    held = sum(1 for l in lines if l.strip() == "heldout: true")
    print(f"{held} of {total} entries held out ({100 * held / max(total, 1):.1f} %)", file=sys.stderr)


if __name__ == "__main__":
    main()
