report -q --as-of 2026-06-16 --since 2026-05-01 --format html --group-by incident svc postmortems
