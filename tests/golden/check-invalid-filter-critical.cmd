check --as-of 2026-11-22 --severity critical invalid
