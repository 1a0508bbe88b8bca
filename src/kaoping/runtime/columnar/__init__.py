"""The columnar backend's runtime: exact scaled-integer columns, whole-table operations."""
