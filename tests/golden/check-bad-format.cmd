check --format nope svc
