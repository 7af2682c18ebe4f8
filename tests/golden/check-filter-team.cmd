check -q --as-of 2026-11-22 --team platform svc postmortems
