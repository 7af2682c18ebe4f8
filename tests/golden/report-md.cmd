report -q --as-of 2026-11-22 --since 2026-02-28 --format md --group-by severity svc postmortems
