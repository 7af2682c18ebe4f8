check --no-fail-on-invalid --fail-on-reason unknown-id,invalid invalid
