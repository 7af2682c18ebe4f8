incidents --as-of 2026-06-12 --format md pmdocs
