check --as-of 2026-11-22 --changed-since HEAD~1 hidden
