report --format email --group-by owner svc
