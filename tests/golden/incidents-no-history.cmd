incidents --as-of 2026-06-12 --no-history pmdocs
