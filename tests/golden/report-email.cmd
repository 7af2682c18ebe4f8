report -q --as-of 2026-11-22 --format email svc postmortems
