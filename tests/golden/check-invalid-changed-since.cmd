check -q --as-of 2026-04-01 --changed-since HEAD~1 invalid
