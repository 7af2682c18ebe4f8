check -q --as-of 2026-04-01 --no-fail-on-invalid invalid
