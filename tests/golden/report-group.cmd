report -q --as-of 2026-11-22 --format md --group data --group=payments svc postmortems
