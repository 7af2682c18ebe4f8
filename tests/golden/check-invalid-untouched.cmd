check -q --as-of 2026-04-01 --changed-since HEAD --format github invalid
