"""What generated scheme code imports, and nothing from the compiler."""
