check --fail-on hihg svc
