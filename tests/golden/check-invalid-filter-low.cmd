check --as-of 2026-11-22 --severity low invalid
