"""Rebuild src/kaoping/grammar/kaoping_tables.marshal from kaoping.lark: run it after editing the
grammar (tests/test_security.py fails while the shipped tables are not the grammar's)."""

from kaoping.grammar.tables import write_tables

if __name__ == "__main__":
    print(f"wrote {write_tables()}")
