report -q --as-of 2026-11-22 --group-by incident --group zzzz svc postmortems
