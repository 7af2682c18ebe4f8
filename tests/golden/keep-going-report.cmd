report --as-of 2026-11-22 demo no-such-repo
