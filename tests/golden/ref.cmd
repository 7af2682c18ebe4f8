scan --as-of 2026-11-22 --ref fix-timeouts svc
