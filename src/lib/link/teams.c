/* SPDX-License-Identifier: MIT */
/*
 * An item's team: its own `team` field; else the team of its owner (the
 * configuration's teams table); else the owners that CODEOWNERS gives for the
 * path of its first marker (GitHub and GitLab syntax, at the usual places,
 * read from the scanned tree); else "unassigned".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "link.h"
#include "map.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "source.h"

typedef struct {
	char *pattern; /* leading '/' and trailing '/' removed */
	bool anchored, dir_only;
	char **owners; /* NULL-terminated */
} co_rule;

typedef struct {
	co_rule *v;
	size_t n, cap;
	char *text;
} co_rules;

/* GitHub reads the first of these that exists; GitLab also reads .gitlab/. */
static void rules_free(co_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->v[i].owners);
	free(rs->v);
	free(rs->text);
	memset(rs, 0, sizeof(*rs));
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parse in place: `text` is owned by `rs`; patterns and owners point into it. */
/* "\#" in a pattern is a literal # (GitLab's escape, for a name starting with #). */
static void unescape_hash(char *tok)
{
	char *w = tok;

	for (const char *p = tok; *p; p++) {
		if (p[0] == '\\' && p[1] == '#')
			p++;
		*w++ = *p;
	}
	*w = '\0';
}

static int parse_codeowners(co_rules *rs, char *text)
{
	char *line = text, *next;

	rs->text = text;
	for (; line && *line; line = next) {
		char *p, *tok, *owners[64];
		size_t n = 0;
		co_rule *r;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		for (p = line; *p; p++) /* a comment starts with an unescaped # */
			if (*p == '#' && (p == line || p[-1] != '\\')) {
				*p = '\0';
				break;
			}
		p = line;
		while (blank(*p))
			p++;
		if (!*p || *p == '[' || (*p == '^' && p[1] == '['))
			continue; /* empty, or a GitLab section header */
		tok = p;
		while (*p && !blank(*p))
			p++;
		if (*p)
			*p++ = '\0';
		while (*p && n < PIR_ARRAY_SIZE(owners) - 1) {
			while (blank(*p))
				p++;
			if (!*p)
				break;
			owners[n++] = p;
			while (*p && !blank(*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
		if (pir_grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v)) < 0)
			return PIR_ENOMEM;
		r = &rs->v[rs->n];
		memset(r, 0, sizeof(*r));
		if (!(r->owners = pir_calloc(n + 1, sizeof(char *))))
			return PIR_ENOMEM;
		memcpy(r->owners, owners, n * sizeof(char *));
		rs->n++;
		unescape_hash(tok);
		r->anchored = tok[0] == '/';
		if (r->anchored)
			tok++;
		size_t len = strlen(tok);
		if (len && tok[len - 1] == '/') {
			r->dir_only = true;
			tok[--len] = '\0';
		}
		r->anchored |= strchr(tok, '/') != NULL;
		r->pattern = tok;
	}
	return 0;
}

/* Does the rule cover `path`: the file itself, or a folder holding it? */
static bool rule_matches(const co_rule *r, const char *path)
{
	char buf[4200];

	const char *last = strrchr(r->pattern, '/');
	/* "docs/" then star names the files in docs, not deeper; a folder name names all below it
	 */
	bool folder = r->dir_only || !strpbrk(last ? last + 1 : r->pattern, "*?[");

	if (!*r->pattern || !strcmp(r->pattern, "*"))
		return !r->dir_only || strchr(path, '/');
	if (snprintf(buf, sizeof(buf), "%s/**", r->pattern) >= (int)sizeof(buf))
		return false;
	for (const char *s = path; s; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL) {
		if ((!r->dir_only && pir_glob_match(r->pattern, s)) ||
		    (folder && pir_glob_match(buf, s)))
			return true;
		if (r->anchored)
			break; /* only from the root */
	}
	return false;
}

static const co_rule *last_match(const co_rules *rs, const char *path)
{
	const co_rule *found = NULL;

	for (size_t i = 0; i < rs->n; i++)
		if (rule_matches(&rs->v[i], path))
			found = &rs->v[i]; /* the last matching pattern wins */
	return found;
}

/* CODEOWNERS of a repository's scanned tree; an empty rule set when it has none. */
static int load_codeowners(const pir_result *res, co_rules *rs)
{
	char *text;

	if (!res->codeowners)
		return 0;
	if (!(text = pir_strdup(res->codeowners)))
		return PIR_ENOMEM;
	return parse_codeowners(rs, text);
}

static const char *team_of_member(const pir_config *cfg, const char *who)
{
	for (size_t t = 0; cfg && t < pir_config_team_count(cfg); t++) {
		const pir_team *team = pir_config_team(cfg, t);
		if (!strcmp(team->name, who))
			return team->name;
		for (const char *const *m = team->members; m && *m; m++)
			if (!strcmp(*m, who))
				return team->name;
	}
	return NULL;
}

/* A CODEOWNERS owner as a team: a member's team, "@org/NAME" for a team NAME, else itself. */
static const char *team_of_owner(const pir_config *cfg, const char *owner)
{
	const char *t = team_of_member(cfg, owner), *slash;

	if (!t && owner[0] == '@' && (slash = strchr(owner, '/')))
		t = team_of_member(cfg, slash + 1);
	return t;
}

static const pir_location *first_marker(const pir_item *it)
{
	for (size_t i = 0; i < it->nlocations; i++)
		if (it->locations[i].kind == PIR_LOCATION_MARKER)
			return &it->locations[i];
	return NULL;
}

int pir_assign_teams(pir_scan *s)
{
	const pir_config *cfg = s->opts.teams_from;
	pir_strpool names = {0}; /* index k: results[at[k]], the first of that name */
	co_rules *rules;
	bool *loaded;
	size_t *at;
	int err = 0;

	rules = pir_calloc(s->nresults + 1, sizeof(*rules));
	loaded = pir_calloc(s->nresults + 1, sizeof(*loaded));
	at = pir_calloc(s->nresults + 1, sizeof(*at));
	for (size_t r = 0; rules && loaded && at && r < s->nresults && !err; r++) {
		const char *name = s->results[r]->info.name;
		size_t before = names.n;
		uint32_t id;
		if ((err = pir_strpool_intern(&names, name, strlen(name), &id)) == 0 &&
		    names.n > before)
			at[id] = r;
	}
	if (!rules || !loaded || !at || err) {
		pir_strpool_dispose(&names);
		free(rules);
		free(loaded);
		free(at);
		return PIR_ENOMEM;
	}
	for (size_t i = 0; i < s->nitems && !err; i++) {
		pir_item *it = &s->items[i];
		const pir_location *m;
		const char *t;

		if (it->team) {
			it->team_source = "item";
			continue;
		}
		if (it->owner && (t = team_of_member(cfg, it->owner))) {
			it->team = t;
			it->team_source = "owner";
			continue;
		}
		it->team = "unassigned";
		it->team_source = "unassigned";
		if (!(m = first_marker(it)))
			continue;
		uint32_t id = pir_strpool_find(&names, m->repo, strlen(m->repo));
		if (id != PIR_MAP_NONE) {
			size_t r = at[id];
			const co_rule *rule;
			if (!loaded[r]) {
				loaded[r] = true;
				err = load_codeowners(s->results[r], &rules[r]);
			}
			if (err || !(rule = last_match(&rules[r], m->path)) || !rule->owners[0])
				continue;
			it->team = NULL;
			for (char **o = rule->owners; *o && !it->team; o++)
				it->team = team_of_owner(cfg, *o);
			if (!it->team && !(it->team = pir_arena_strdup(&s->arena, rule->owners[0])))
				err = PIR_ENOMEM;
			it->team_source = "codeowners";
		}
	}
	for (size_t r = 0; r < s->nresults; r++)
		rules_free(&rules[r]);
	pir_strpool_dispose(&names);
	free(rules);
	free(loaded);
	free(at);
	return err;
}
