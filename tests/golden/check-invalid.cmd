check --as-of 2026-04-01 invalid
