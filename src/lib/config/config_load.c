/* SPDX-License-Identifier: MIT */
/* Loading a configuration (a file, the host's, a repository's tree), what it sets, and layers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "alloc.h"
#include "buf.h"
#include "config_int.h"
#include "error.h"
#include "gitinit.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"

/* ---- loading ---- */

/* Read at most MAX_SIZE + 1 bytes: enough for the parser to refuse a larger file. */
static int read_file(pir_buf *out, const char *path)
{
	struct stat st;
	int fd, e = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		e = errno;
	else if (fstat(fd, &st) < 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	while (!e && out->size <= MAX_SIZE) {
		ssize_t n;

		if (pir_buf_grow(out, 65536) < 0) {
			close(fd);
			return PIR_ENOMEM;
		}
		if ((n = read(fd, out->ptr + out->size, 65536)) < 0 && errno != EINTR)
			e = errno;
		else if (n == 0)
			break;
		else if (n > 0)
			out->size += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (e)
		return pir_error_set(e == ENOENT || e == ENOTDIR ? PIR_ENOTFOUND : PIR_ERROR,
				     "cannot read '%s': %s", path, strerror(e));
	return 0;
}

static int load_as(pir_config **out, const char *path, pir_config_origin origin, pir_buf *errors)
{
	pir_buf content = PIR_BUF_INIT;
	int err;

	*out = NULL;
	if ((err = read_file(&content, path)) == 0)
		err = pir_cfg_parse_as(out, content.ptr, content.size, path, origin, errors);
	pir_buf_dispose(&content);
	return err;
}

int pir_config_load(pir_config **out, const char *path, pir_buf *errors)
{
	return load_as(out, path, PIR_CONFIG_OPERATOR, errors);
}

int pir_config_load_host(pir_config **out, const char *path, pir_buf *errors)
{
	return load_as(out, path, PIR_CONFIG_HOST, errors);
}

/* The blob of CONFIG_FILE in the tree of `ref`, or PIR_ENOTFOUND. */
static int find_config_blob(git_blob **out, git_repository *repo, const char *path, const char *ref)
{
	const char *spec = ref ? ref : "HEAD";
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int gerr, err = 0;

	if (!ref && git_repository_head_unborn(repo) == 1)
		return pir_error_set(PIR_ENOTFOUND, "%s: the repository has no commits yet", path);
	if ((gerr = git_revparse_single(&obj, repo, spec)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set(PIR_ENOTFOUND, "%s: unknown revision '%s'", path, spec)
			  : pir_error_git(gerr, path);
		goto done;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		err = pir_error_set(PIR_EINVALID, "%s: '%s' does not name a commit", path, spec);
		goto done;
	}
	if ((gerr = git_commit_tree(&tree, commit)) < 0) {
		err = pir_error_git(gerr, path);
		goto done;
	}
	if ((gerr = git_tree_entry_bypath(&entry, tree, CONFIG_FILE)) < 0) {
		err =
		    gerr == GIT_ENOTFOUND
			? pir_error_set(PIR_ENOTFOUND, "%s: no " CONFIG_FILE " in '%s'", path, spec)
			: pir_error_git(gerr, path);
		goto done;
	}
	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		err = 1;
		goto done;
	}
	if ((gerr = git_blob_lookup(out, repo, git_tree_entry_id(entry))) < 0)
		err = pir_error_git(gerr, path);
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	return err;
}

int pir_config_load_from_repository(pir_config **out, const char *repo_path, const char *ref,
				    pir_buf *errors)
{
	git_repository *repo = NULL;
	git_blob *blob = NULL;
	int gerr, err;

	*out = NULL;
	pir_git_acquire();
	if ((gerr = git_repository_open_ext(&repo, repo_path, 0, NULL)) < 0) {
		err = gerr == GIT_ENOTFOUND
			  ? pir_error_set(PIR_ENOTREPO, "'%s' is not a git repository", repo_path)
			  : pir_error_git(gerr, repo_path);
		goto done;
	}
	if ((err = find_config_blob(&blob, repo, repo_path, ref)) < 0)
		goto done;
	if (err == 1) {
		/* a link, a folder or a submodule: the scan would not read it either */
		err = PIR_EINVALID;
		if (errors && pir_buf_puts(errors, CONFIG_FILE ":1:1: not a regular file\n") < 0)
			err = PIR_ENOMEM;
		else
			pir_error_set(err, CONFIG_FILE ": not a regular file");
		goto done;
	}
	err = pir_config_parse(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			       CONFIG_FILE, errors);
done:
	git_blob_free(blob);
	git_repository_free(repo);
	pir_git_release();
	return err;
}

/* ---- what the configuration sets ---- */

static bool has(const pir_config *config, enum top_key k)
{
	return (config->set & (1u << k)) != 0;
}

void pir_config_apply_scan(const pir_config *config, pir_scan_options *opts)
{
	if (!config || !opts)
		return;
	if (has(config, K_MARKER)) {
		opts->marker_patterns = (const char *const *)config->markers;
		opts->marker_pattern = NULL;
	}
	if (has(config, K_MARKER_REQUIRE_REFERENCE))
		opts->marker_require_reference = config->marker_require_reference;

	if (has(config, K_ITEM_FILES))
		opts->item_files = (const char *const *)config->item_files;
	if (has(config, K_SEVERITIES))
		opts->severities = (const char *const *)config->severities;
	for (int i = 0; i < PIR_SEVERITY_MAX; i++)
		if (config->stale_set & (1u << i))
			opts->stale_days[i] = config->stale_days[i];
	if (config->stale_none_set)
		opts->stale_days_none = config->stale_none;
	if (has(config, K_EXCLUDE))
		opts->exclude = (const char *const *)config->exclude;
	if (has(config, K_POSTMORTEM_FILES))
		opts->postmortem_files = (const char *const *)config->postmortem_files;
	if (has(config, K_AS_OF))
		opts->as_of = config->as_of;
	if (has(config, K_MAX_SLIPS)) /* slipping is a reason of the scan's model */
		opts->max_slips = config->max_slips;
}

void pir_config_apply_check(const pir_config *config, pir_check_options *opts)
{
	if (!config || !opts)
		return;
	if (has(config, K_FAIL_ON))
		opts->fail_on = config->fail_on;
	if (has(config, K_FAIL_ON_REASONS))
		opts->fail_reasons = config->fail_reasons;
	if (has(config, K_FAIL_ON_INVALID))
		opts->warn_invalid = !config->fail_on_invalid;
	if (has(config, K_GRACE))
		opts->grace = config->grace;
	if (has(config, K_WARN_WITHIN))
		opts->warn_within = config->warn_within;
}

size_t pir_config_team_count(const pir_config *config)
{
	return config ? config->nteams : 0;
}

const pir_team *pir_config_team(const pir_config *config, size_t i)
{
	return config && i < config->nteams ? &config->teams[i] : NULL;
}

const char *pir_config_report_setting(const pir_config *config, const char *key)
{
	if (!config || !key)
		return NULL;
	for (size_t i = 0; i < R_COUNT; i++)
		if (strcmp(key, pir_cfg_report_keys[i]) == 0)
			return config->report[i];
	return NULL;
}

pir_config_origin pir_config_report_origin(const pir_config *config, const char *key)
{
	for (size_t i = 0; config && key && i < R_COUNT; i++)
		if (strcmp(key, pir_cfg_report_keys[i]) == 0 && config->report[i])
			return config->report_origin[i];
	return PIR_CONFIG_REPOSITORY;
}

/* ---- layers ---- */

static char **strv_dup(const char *const *v)
{
	strlist l = {NULL, 0, 0};

	for (size_t i = 0; v && v[i]; i++) {
		if (pir_cfg_strlist_add(&l, v[i], strlen(v[i])) < 0) {
			pir_cfg_strv_free(l.v);
			return NULL;
		}
	}
	return pir_cfg_strlist_finish(&l);
}

/* `*dst` (a list the layer above left empty) becomes a copy of `src` when that has items. */
static int fill_list(const char *const **dst, const char *const *src)
{
	char **copy;

	if ((*dst && (*dst)[0]) || !src || !src[0])
		return 0;
	if (!(copy = strv_dup(src)))
		return PIR_ENOMEM;
	pir_cfg_strv_free((char **)*dst);
	*dst = (const char *const *)copy;
	return 0;
}

static int add_host_team(pir_config *config, const pir_team *from)
{
	pir_team *t = NULL;

	for (size_t i = 0; i < config->nteams && !t; i++)
		if (strcmp(config->teams[i].name, from->name) == 0)
			t = &config->teams[i];
	if (!t) {
		if (pir_grow((void **)&config->teams, &config->teams_cap, config->nteams + 1,
			     sizeof(*config->teams)) < 0)
			return PIR_ENOMEM;
		t = &config->teams[config->nteams];
		memset(t, 0, sizeof(*t));
		if (!(t->name = pir_strdup(from->name)))
			return PIR_ENOMEM;
		config->nteams++;
	}
	if (fill_list(&t->email, from->email) < 0 || fill_list(&t->members, from->members) < 0 ||
	    pir_cfg_team_chat_fill(t, from) < 0)
		return PIR_ENOMEM;
	if ((!t->email && !(t->email = (const char *const *)strv_dup(NULL))) ||
	    (!t->members && !(t->members = (const char *const *)strv_dup(NULL))))
		return PIR_ENOMEM;
	return 0;
}

int pir_config_add_host(pir_config *config, const pir_config *host)
{
	if (!config || !host)
		return 0;
	for (size_t k = 0; k < R_COUNT; k++) {
		/* a scanned repository never supplies the server or the login: the host's win */
		bool untrusted = config->report[k] &&
				 config->report_origin[k] == PIR_CONFIG_REPOSITORY &&
				 (k == R_SMTP_URL || k == R_SMTP_USER);

		if (!host->report[k] || (config->report[k] && !untrusted))
			continue;
		free(config->report[k]);
		if (!(config->report[k] = pir_strdup(host->report[k])))
			return pir_error_oom();
		config->report_origin[k] = host->report_origin[k];
		config->set |= 1u << K_REPORT;
	}
	for (size_t i = 0; i < host->nteams; i++) {
		if (add_host_team(config, &host->teams[i]) < 0)
			return pir_error_oom();
		config->set |= 1u << K_TEAMS;
	}
	return 0;
}
