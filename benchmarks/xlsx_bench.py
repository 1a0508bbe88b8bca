"""Reading a large data workbook: the example scheme's template filled with N units (each with
its list records), read as `score` reads it, against reading the same data as JSON.

    .venv/bin/python benchmarks/xlsx_bench.py --units 10000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import openpyxl

from kaoping import load_scheme
from kaoping.io.data import load_file
from kaoping.io.xlsx_template import write_template
from kaoping.plugins.manager import default_registry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10000)
    n = parser.parse_args().units
    model = load_scheme("example-zh", default_registry()).model
    folder = Path(tempfile.mkdtemp())
    names = [f"单位{i:05d}" for i in range(n)]
    book = folder / "data.xlsx"
    write_template(model, book, [(name, "县直单位") for name in names])
    wb = openpyxl.load_workbook(book)
    ws = wb["县直单位"]
    units = []
    for row, name in enumerate(names, 2):
        facts = [True, False, row % 7, True, 0, row % 3, False, (row % 100) / 10]
        for col, value in enumerate(facts, 2):
            ws.cell(row, col, value)
        records = [{"类别": "B", "达标": True, "专业测评": "良"}]
        wb["负责事项"].append([name, "B", "是", "良"])
        wb["成果"].append([name, "阶梯水价", 15])
        keys = ["开展改革调研", "明确责任分工", "信息报送次数", "信息质量达标"]
        keys += ["中央采用篇数", "省采用篇数", "影响全县考评", "满意度"]
        units.append(
            {
                "unit": name,
                "group": "县直单位",
                "facts": {
                    **{
                        k: (str(v) if isinstance(v, float) else v)
                        for k, v in zip(keys, facts, strict=True)
                    },
                    "负责事项": records,
                    "成果": [{"工作": "阶梯水价", "得分": 15}],
                },
            }
        )
    wb.save(book)
    data = folder / "data.json"
    data.write_text(json.dumps({"units": units}, ensure_ascii=False), "utf-8")
    t0 = time.perf_counter()
    from_book = load_file(book, model)
    t1 = time.perf_counter()
    from_json = load_file(data, model)
    t2 = time.perf_counter()
    assert [u.facts for u in from_book] == [u.facts for u in from_json]
    size = book.stat().st_size / 1e6
    print(f"{n:,} units, {size:.1f} MB workbook: .xlsx {t1 - t0:.2f} s, JSON {t2 - t1:.2f} s")
    print(f"ratio .xlsx / JSON: {(t1 - t0) / (t2 - t1):.1f}x")


if __name__ == "__main__":
    main()
