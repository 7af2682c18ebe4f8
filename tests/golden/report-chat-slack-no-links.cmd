report -q --as-of 2026-11-22 --format slack --group payments svc postmortems
