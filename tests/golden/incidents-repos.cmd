incidents --as-of 2026-11-22 svc postmortems pmdocs
