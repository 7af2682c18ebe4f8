check --as-of 2026-11-22 --fail-on-reason duplicate-id demo demo/.git ./demo/src/config
