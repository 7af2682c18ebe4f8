check -q --as-of 2026-11-22 --format json svc postmortems
