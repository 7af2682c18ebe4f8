check -q --as-of 2026-12-16 --changed-since HEAD~1 svc postmortems
