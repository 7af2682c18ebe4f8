no-such-repo
