/* SPDX-License-Identifier: MIT */
/* The document: the stream preflighted and loaded, its top-level keys read, its errors written. */

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "buf.h"
#include "config_int.h"
#include "error.h"
#include "model.h"
#include "pirscan/common.h"
#include "pirscan/config.h"
#include "pirscan/scan.h"
#include "yaml_util.h"

/* ---- the document ---- */

static int read_value(reader *rd, enum top_key k, const yaml_node_t *v)
{
	pir_config *cfg = rd->cfg;

	switch (k) {
	case K_MARKER:
		return pir_cfg_read_marker(rd, v);
	case K_ITEM_FILES:
		return pir_cfg_read_list(rd, v, "'item_files'", false, pir_cfg_check_basename,
					 &cfg->item_files);
	case K_SEVERITIES:
		return pir_cfg_read_severities(rd, v);
	case K_STALE_DAYS:
		return pir_cfg_read_stale_days(rd, v);
	case K_FAIL_ON:
		return pir_cfg_read_fail_on(rd, v);
	case K_FAIL_ON_REASONS:
		return pir_cfg_read_fail_on_reasons(rd, v);
	case K_FAIL_ON_INVALID:
		return pir_cfg_read_fail_on_invalid(rd, v);
	case K_GRACE:
		return pir_cfg_want_count(rd, v, "'grace'", &cfg->grace) < 0 ? PIR_ENOMEM : 0;
	case K_WARN_WITHIN:
		return pir_cfg_want_count(rd, v, "'warn_within'", &cfg->warn_within) < 0
			   ? PIR_ENOMEM
			   : 0;
	case K_MAX_SLIPS:
		return pir_cfg_want_count(rd, v, "'max_slips'", &cfg->max_slips) < 0 ? PIR_ENOMEM
										     : 0;
	case K_EXCLUDE:
		return pir_cfg_read_list(rd, v, "'exclude'", false, NULL, &cfg->exclude);
	case K_POSTMORTEM_FILES:
		return pir_cfg_read_list(rd, v, "'postmortem_files'", false, NULL,
					 &cfg->postmortem_files);
	case K_SEVERITY_FROM_INCIDENT:
		return pir_cfg_read_severity_from_incident(rd, v);
	case K_AS_OF:
		return pir_cfg_read_as_of(rd, v);
	case K_TEAMS:
		return pir_cfg_read_teams(rd, v);
	case K_REPORT:
		return pir_cfg_read_report(rd, v);
	case K_MARKER_REQUIRE_REFERENCE:
		return pir_cfg_want_bool(rd, v, "'marker_require_reference'",
					 &cfg->marker_require_reference) < 0
			   ? PIR_ENOMEM
			   : 0;
	default:
		return 0;
	}
}

/* Which keys the top mapping gives, then their values: severities first, as
 * fail_on and stale_days are judged by it wherever they stand. */
static int read_top(reader *rd, const yaml_node_t *map)
{
	const yaml_node_t *values[K_COUNT] = {NULL};
	echo_buf e;
	int err = 0;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !err && p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = pir_cfg_node_at(rd, p->key),
				  *value = pir_cfg_node_at(rd, p->value);
		int k = -1;

		if (!key || !value)
			continue;
		for (int i = 0; i < K_COUNT; i++)
			if (pir_yaml_is(key, pir_cfg_top_keys[i]))
				k = i;
		if (key->type != YAML_SCALAR_NODE)
			err = fail(rd, key, "a key must be a string, not %s",
				   pir_cfg_describe(&e, key));
		else if (k < 0)
			err = fail(rd, key, "unknown key %s",
				   pir_cfg_echo(&e, pir_yaml_text(key), pir_cfg_scalar_len(key)));
		else if (values[k])
			err = fail(rd, key, "duplicate key \"%s\"", pir_cfg_top_keys[k]);
		else if (rd->cfg->origin == PIR_CONFIG_HOST && k != K_TEAMS && k != K_REPORT)
			err = fail(rd, key,
				   "'%s' is a repository setting: it goes in " CONFIG_FILE
				   "; a host configuration sets only 'report' and 'teams'",
				   pir_cfg_top_keys[k]);
		else
			values[k] = value;
	}
	if (!err && values[K_SEVERITIES] && !pir_yaml_is_null(values[K_SEVERITIES]))
		err = pir_cfg_read_severities(rd, values[K_SEVERITIES]);
	if (!err && rd->severities && rd->severities != pir_default_severities()) {
		free(rd->severity_list);
		if (!(rd->severity_list = pir_cfg_join(rd->severities)))
			err = PIR_ENOMEM;
	}
	for (int k = 0; !err && k < K_COUNT; k++) {
		if (!values[k] || pir_yaml_is_null(values[k]))
			continue;
		rd->cfg->set |= 1u << k;
		if (k != K_SEVERITIES)
			err = read_value(rd, (enum top_key)k, values[k]);
	}
	return err;
}

static int read_document(reader *rd)
{
	const yaml_node_t *root = yaml_document_get_root_node(rd->doc);
	echo_buf e;
	int err;

	if (!root || pir_yaml_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail(rd, root, "the configuration must be a mapping, not %s",
			    pir_cfg_describe(&e, root));
	if ((err = read_top(rd, root)) == 0 && rd->exhausted)
		err = fail(rd, root, "aliases expand the document too much; the rest is not read");
	return err;
}

/* ---- the stream ---- */

/* A syntax error of the configuration, with its position. */
static int syntax_error(reader *rd, const yaml_parser_t *p, const char *buf, size_t len)
{
	unsigned line, col;
	char msg[512];

	if (pir_yaml_parser_error(p, buf, len, &line, &col, msg, sizeof(msg)) < 0)
		return pir_error_oom();
	return pir_cfg_fail_at(rd, line, col, "invalid YAML: %s", msg);
}

/*
 * The shared preflight (yaml_util.h) over the whole stream: a refusal in any
 * document refuses the file. Returns 0 when the stream may be loaded (a
 * syntax error is left to the loader to report), 1 after an error saying why
 * not, or PIR_ENOMEM.
 */
static int preflight(reader *rd, const char *buf, size_t len)
{
	pir_yaml_preflight pf;
	int err;

	if ((err = pir_yaml_preflight_run(&pf, buf, len)) < 0)
		return err;
	if (!pf.refused)
		return 0;
	err = pir_cfg_fail_at(rd, pir_yaml_pos1(pf.mark.line), pir_yaml_pos1(pf.mark.column),
			      "%s; the file is not read", pf.why);
	return err < 0 ? err : 1;
}

/* Load and read the one document of the stream; a second one is an error. */
static int read_stream(reader *rd, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return pir_error_oom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = syntax_error(rd, &parser, buf, len);
		goto done;
	}
	rd->doc = &doc;
	err = read_document(rd);
	if (!err && yaml_document_get_root_node(&doc)) {
		if (!yaml_parser_load(&parser, &extra)) {
			err = syntax_error(rd, &parser, buf, len);
		} else {
			const yaml_node_t *root = yaml_document_get_root_node(&extra);

			if (root)
				err = fail(rd, root,
					   "a second YAML document; the configuration is one "
					   "document");
			yaml_document_delete(&extra);
		}
	}
	rd->doc = NULL;
	yaml_document_delete(&doc);
done:
	yaml_parser_delete(&parser);
	return err;
}

static int diag_order(const void *a, const void *b)
{
	const pir_fdiag *const *x = a, *const *y = b;

	if ((*x)->line != (*y)->line)
		return (*x)->line < (*y)->line ? -1 : 1;
	if ((*x)->column != (*y)->column)
		return (*x)->column < (*y)->column ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* Append the errors to `out` in file order, each on a line naming `name`. */
static int write_errors(const reader *rd, const char *name, pir_buf *out)
{
	const pir_fdiag_list *errs = &rd->errs;
	const pir_fdiag **order;
	pir_buf where = PIR_BUF_INIT;
	int err;

	if (!out)
		return 0;
	if (!(order = pir_calloc(errs->n, sizeof(*order))))
		return PIR_ENOMEM;
	for (size_t i = 0; i < errs->n; i++)
		order[i] = &errs->v[i];
	qsort(order, errs->n, sizeof(*order), diag_order);
	err = pir_buf_term_str(&where, name);
	for (size_t i = 0; !err && i < errs->n; i++)
		err = pir_buf_printf(out, "%s:%u:%u: %s\n", where.ptr ? where.ptr : "",
				     order[i]->line, order[i]->column, order[i]->message);
	if (!err && rd->dropped)
		err = pir_buf_printf(out, "%s:%u:%u: too many errors; %zu more are not shown\n",
				     where.ptr ? where.ptr : "", rd->dropped_line, rd->dropped_col,
				     rd->dropped);
	pir_buf_dispose(&where);
	free(order);
	return err;
}

int pir_cfg_parse_as(pir_config **out, const char *buf, size_t len, const char *name,
		     pir_config_origin origin, pir_buf *errors)
{
	reader rd;
	int err;

	*out = NULL;
	memset(&rd, 0, sizeof(rd));
	if (!buf) {
		buf = "";
		len = 0;
	}
	if (!name)
		name = CONFIG_FILE;
	if (!(rd.cfg = pir_calloc(1, sizeof(*rd.cfg))))
		return PIR_ENOMEM;
	rd.cfg->as_of = PIR_DATE_NONE;
	rd.cfg->origin = origin;
	rd.severities = pir_default_severities();
	/* Without aliases the reader visits each node once: about 2 units a byte. */
	rd.budget = len * 4 + 4096;
	if (!(rd.severity_list = pir_cfg_join(pir_default_severities())) ||
	    !(rd.reason_list = pir_cfg_reason_list())) {
		err = PIR_ENOMEM;
		goto done;
	}
	if (len > MAX_SIZE)
		err = pir_cfg_fail_at(&rd, 1, 1, "the file is larger than 1 MiB; it is not read");
	else if ((err = preflight(&rd, buf, len)) == 0)
		err = read_stream(&rd, buf, len);
	if (err > 0)
		err = 0;
	if (!err && rd.nerrors) {
		if ((err = write_errors(&rd, name, errors)) == 0)
			err = pir_error_set(PIR_EINVALID, "%s: %zu error%s in the configuration",
					    name, rd.nerrors, rd.nerrors == 1 ? "" : "s");
	}
done:
	free(rd.severity_list);
	free(rd.reason_list);
	pir_fdiag_list_clear(&rd.errs);
	if (err) {
		pir_config_free(rd.cfg);
		return err == PIR_ENOMEM ? pir_error_oom() : err;
	}
	*out = rd.cfg;
	return 0;
}

int pir_config_parse(pir_config **out, const char *buf, size_t len, const char *name,
		     pir_buf *errors)
{
	return pir_cfg_parse_as(out, buf, len, name, PIR_CONFIG_REPOSITORY, errors);
}
