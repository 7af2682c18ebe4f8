check -q --as-of 2026-11-22 --grace 300 svc postmortems
