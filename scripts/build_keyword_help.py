"""Rebuild src/kaoping/lsp/keyword_help.json (what hover says about a keyword) from the keyword
and function tables of docs/language.md: run it after editing those tables."""

from pathlib import Path

from kaoping.lsp.keyword_help import rows_from_docs, to_json

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    target = root / "src" / "kaoping" / "lsp" / "keyword_help.json"
    rows = rows_from_docs((root / "docs" / "language.md").read_text("utf-8"))
    target.write_text(to_json(rows), "utf-8")
    print(f"wrote {target} ({len(rows)} rows)")
