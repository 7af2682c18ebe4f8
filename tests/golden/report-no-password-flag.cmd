report --smtp-password hunter2 svc
