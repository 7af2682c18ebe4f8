/* SPDX-License-Identifier: MIT */
/* Handing a composed message to a local sendmail on its standard input. */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "pirscan/common.h"
#include "pirscan/mail.h"

/* ---- sendmail ---- */

/* Write all of `p`; a socket, so that a sendmail that quits early is EPIPE, not SIGPIPE. */
static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int pir_mail_send_sendmail(const char *sendmail_path, const char *message, size_t len)
{
	const char *path = sendmail_path ? sendmail_path : "/usr/sbin/sendmail";
	char *const argv[] = {(char *)path, (char *)"-t", (char *)"-oi", NULL};
	posix_spawn_file_actions_t fa;
	pir_buf lf = PIR_BUF_INIT;
	int sv[2], status = 0, rc, err = 0, write_errno = 0;
	pid_t pid;

	if (!message)
		return pir_error_set(PIR_EINVALID, "sendmail: no message");
	/* say why before spawning: not every posix_spawn reports a failed exec */
	if (access(path, X_OK) < 0)
		return pir_error_set(PIR_ERROR, "cannot run %s: %s", path, strerror(errno));
	for (size_t i = 0; i < len && !err; i++)
		if (!(message[i] == '\r' && i + 1 < len && message[i + 1] == '\n'))
			err = pir_buf_putc(&lf, message[i]);
	if (err)
		return err;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err = pir_error_set(PIR_ERROR, "sendmail: socketpair: %s", strerror(errno));
		goto done;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		close(sv[0]);
		close(sv[1]);
		err = pir_error_set(PIR_ERROR, "sendmail: %s", strerror(rc));
		goto done;
	}
	rc = posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
	if (!rc)
		rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		err = pir_error_set(PIR_ERROR, "cannot run %s: %s", path, strerror(rc));
		goto done;
	}
	if (send_all(sv[0], lf.ptr ? lf.ptr : "", lf.size) < 0)
		write_errno = errno;
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = pir_error_set(PIR_ERROR, "%s: waitpid: %s", path, strerror(errno));
			goto done;
		}
	}
	if (WIFSIGNALED(status))
		err =
		    pir_error_set(PIR_ERROR, "%s was killed by signal %d", path, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		err =
		    pir_error_set(PIR_ERROR, "%s exited with status %d", path, WEXITSTATUS(status));
	else if (write_errno)
		err = pir_error_set(PIR_ERROR, "%s did not read the whole message: %s", path,
				    strerror(write_errno));
done:
	pir_buf_dispose(&lf);
	return err;
}
