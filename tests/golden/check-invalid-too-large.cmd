check -q --max-size 150 --as-of 2026-04-01 --format junit invalid
