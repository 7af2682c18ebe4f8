check --as-of 2026-11-22 --format json demo no-such-repo
