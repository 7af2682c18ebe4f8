check -q --as-of 2026-11-22 --format github svc postmortems
