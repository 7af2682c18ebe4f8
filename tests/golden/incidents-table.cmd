incidents --as-of 2026-06-12 pmdocs
