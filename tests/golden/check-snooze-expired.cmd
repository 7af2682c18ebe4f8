check -q --as-of 2026-12-16 svc postmortems
