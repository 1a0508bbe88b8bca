"""The results archive: every scored run kept in one SQLite file (schema.py: the tables and
their versioned migrations; store.py: opening, checking and recording; queries.py: last year's
results, a unit's years, the runs; history_ref.py: `--history archive:PATH#YEAR`)."""
