check --changed-since no-such-ref svc
