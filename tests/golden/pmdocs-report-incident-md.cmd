report --group-by incident --format md --as-of 2026-06-12 pmdocs
