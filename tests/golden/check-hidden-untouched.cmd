check --as-of 2026-11-22 --changed-since HEAD hidden
