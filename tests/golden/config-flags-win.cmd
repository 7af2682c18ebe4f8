check --as-of 2026-03-25 --fail-on sev1 --grace 10 configured
