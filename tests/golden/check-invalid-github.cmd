check -q --as-of 2026-04-01 --format github invalid
