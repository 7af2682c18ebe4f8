check --fail-on urgent svc
