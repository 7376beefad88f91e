#!/usr/bin/python3
"""Checks that every file under src/ includes only the layers it may.

The rules come from the table in docs/ARCHITECTURE.md (columns: layer,
folder, target, may include). A file belongs to the most specific folder
that contains it; it may include its own layer and the layers listed for it.
An include names a layer by its path: "store/sqlite/x.hpp" is the
store-sqlite layer, "store/x.hpp" the store layer. Tests are held to the
same rules as the code beside them.

Usage: tools/check_layers.py [ROOT]   (exit 1 and one line per violation)
"""
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_table(doc: Path):
    """[(layer, folder, set of allowed layers)] from the table of the doc."""
    rows = []
    for line in doc.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("src/"):
            continue
        layer, folder, _target, allowed = cells
        rows.append((layer, folder, {a.strip() for a in allowed.split(",") if a.strip()}))
    if not rows:
        sys.exit(f"{doc}: no layer table found")
    return rows


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    rows = read_table(root / "docs" / "ARCHITECTURE.md")
    # Most specific first, so that src/store/sqlite wins over src/store.
    by_folder = sorted(rows, key=lambda r: -len(r[1]))
    # Include paths name layers by their folder under src/.
    layer_of_path = sorted(((f[len("src/"):], l) for l, f, _ in rows if not f.endswith(".cpp")),
                           key=lambda x: -len(x[0]))

    def owner(path: str):
        for layer, folder, allowed in by_folder:
            if path == folder or path.startswith(folder + "/"):
                return layer, allowed
        return None, None

    def included_layer(inc: str):
        for prefix, layer in layer_of_path:
            if inc.startswith(prefix + "/"):
                return layer
        return None

    bad = []
    files = sorted(p for p in (root / "src").rglob("*") if p.suffix in (".cpp", ".hpp", ".h"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        layer, allowed = owner(rel)
        if layer is None:
            bad.append(f"{rel}: in no layer of docs/ARCHITECTURE.md")
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = included_layer(m.group(1))
            if target is None or target == layer or target in allowed:
                continue
            bad.append(f"{rel}:{n}: layer '{layer}' may not include '{m.group(1)}' "
                       f"(layer '{target}'); allowed: {', '.join(sorted(allowed)) or 'none'}")
    for b in bad:
        print(b)
    print(f"check_layers: {len(files)} files, {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
