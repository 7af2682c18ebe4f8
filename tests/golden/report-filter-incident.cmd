report -q --as-of 2026-11-22 --incident INC-3000 svc postmortems
