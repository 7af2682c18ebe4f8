check -q --as-of 2026-11-22 --fail-on-reason unknown-id,slipping,done-but-marker-remains svc postmortems
