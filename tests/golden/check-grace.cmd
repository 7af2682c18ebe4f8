check -q --as-of 2026-11-22 --grace 300 --no-fail-on-invalid svc postmortems
