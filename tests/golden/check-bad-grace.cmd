check --grace -3 svc
