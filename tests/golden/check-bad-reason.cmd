check --fail-on-reason overdue,nope svc
