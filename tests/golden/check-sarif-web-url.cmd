check -q --as-of 2026-11-22 --fail-on high --config web-url.yml --format sarif svc postmortems
