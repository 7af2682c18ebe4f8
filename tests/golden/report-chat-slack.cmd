report -q --as-of 2026-11-22 --config web-url.yml --format slack svc postmortems
