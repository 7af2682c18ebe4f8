report -q --as-of 2026-11-22 --group platfrom svc postmortems
