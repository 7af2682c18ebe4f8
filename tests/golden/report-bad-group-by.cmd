report --group-by nope svc
