"""`kaoping diff`: two versions of a scheme side by side — which rules differ (rules.py), who
moves when the same data is scored by both (units.py), and the tables, JSON and workbook that
show it (render.py, workbook.py)."""
