report --group-by incident --as-of 2026-06-12 pmdocs
