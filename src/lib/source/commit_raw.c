/* SPDX-License-Identifier: MIT */
/*
 * Commits without libgit2's object database (see commit_raw.h). Reading
 * each commit through git_commit_lookup took a fifth of a full-history
 * scan: a zlib stream set up per object, the object cached, every header
 * and the message copied. The walk needs three fields.
 */
#include <stdbool.h>
#include <string.h>

#include "commit_raw.h"

#define HEX_LEN 40

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "<word> <40 hex>\n" at *p: the id, *p past the line; false when it is not that line. */
static bool id_line(const char **p, const char *end, const char *word, size_t wlen, git_oid *out)
{
	const char *q = *p;

	if ((size_t)(end - q) < wlen + 1 + HEX_LEN + 1 || memcmp(q, word, wlen) || q[wlen] != ' ' ||
	    q[wlen + 1 + HEX_LEN] != '\n')
		return false;
	q += wlen + 1;
	for (size_t i = 0; i < GIT_OID_RAWSZ; i++) {
		int hi = hex_digit(q[2 * i]), lo = hex_digit(q[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out->id[i] = (unsigned char)(hi << 4 | lo);
	}
	*p = q + HEX_LEN + 1;
	return true;
}

/*
 * The time of "<word> NAME <EMAIL> SECONDS +HHMM\n" at *p, *p past the
 * line; false when it is not of that form.
 */
static bool person_line(const char **p, const char *end, const char *word, size_t wlen,
			int64_t *out)
{
	const char *eol, *lt, *gt, *q;
	int64_t t = 0;
	size_t digits = 0;

	if ((size_t)(end - *p) < wlen + 1 || memcmp(*p, word, wlen) || (*p)[wlen] != ' ' ||
	    !(eol = memchr(*p, '\n', (size_t)(end - *p))))
		return false;
	q = *p;
	*p = eol + 1;
	lt = memchr(q, '<', (size_t)(eol - q));
	gt = memchr(q, '>', (size_t)(eol - q));
	/* one of each, in that order: where every parser finds the same e-mail */
	if (!lt || !gt || gt < lt || memchr(lt + 1, '<', (size_t)(eol - lt - 1)) ||
	    memchr(gt + 1, '>', (size_t)(eol - gt - 1)))
		return false;
	q = gt + 1;
	if (q >= eol || *q++ != ' ')
		return false;
	for (; q < eol && *q >= '0' && *q <= '9' && digits < 18; q++, digits++)
		t = t * 10 + (*q - '0');
	if (!digits || eol - q != 6 || q[0] != ' ' || (q[1] != '+' && q[1] != '-'))
		return false;
	for (int i = 2; i < 6; i++)
		if (q[i] < '0' || q[i] > '9')
			return false;
	*out = t;
	return true;
}

int pir_commit_parse(const char *data, size_t len, git_oid *tree, int64_t *time, git_oid *parents,
		     size_t max, size_t *np)
{
	const char *p = data, *end = data + len;
	git_oid id;

	*np = 0;
	if (!id_line(&p, end, "tree", 4, tree))
		return 1;
	while (id_line(&p, end, "parent", 6, &id)) {
		if (*np < max)
			parents[*np] = id;
		(*np)++;
	}
	/* a committer too, which libgit2 requires */
	return person_line(&p, end, "author", 6, time) &&
		       person_line(&p, end, "committer", 9, &(int64_t){0})
		   ? 0
		   : 1;
}
