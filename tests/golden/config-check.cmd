check --as-of 2026-03-25 configured
