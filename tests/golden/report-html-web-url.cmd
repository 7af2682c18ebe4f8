report -q --as-of 2026-11-22 --config web-url.yml --format html --group payments svc postmortems
