report --group-by incident --format html --as-of 2026-06-12 pmdocs
