incidents --as-of 2026-06-12 --incident INC-3000 --incident INC-4242 pmdocs
