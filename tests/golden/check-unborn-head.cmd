check --as-of 2026-11-22 unborn.git
