check --as-of 2026-05-25 demo
