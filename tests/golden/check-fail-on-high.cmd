check -q --as-of 2026-11-22 --fail-on high svc postmortems
