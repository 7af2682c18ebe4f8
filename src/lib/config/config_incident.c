/* SPDX-License-Identifier: MIT */
/*
 * severity_from_incident: a mapping from an incident's severity as its
 * postmortem writes it ("P1", "SEV1") to one of the severities, which an
 * item without a severity takes from its incident when the items are linked
 * (link/incidents.c), so that changing it never needs a new scan.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "alloc.h"
#include "config_int.h"
#include "pirscan/config.h"
#include "yaml_util.h"

static bool is_severity(const reader *rd, const yaml_node_t *v)
{
	for (size_t i = 0; rd->severities[i]; i++)
		if (pir_yaml_is(v, rd->severities[i]))
			return true;
	return false;
}

/* One pair: its key lower-cased, unique without regard to case; its value a severity. */
static int read_pair(reader *rd, strlist *l, const yaml_node_t *key, const yaml_node_t *v)
{
	char what[320];
	echo_buf e;
	size_t n;
	char *k;
	int ok;

	if ((ok = pir_cfg_want_text(rd, key, "a key of 'severity_from_incident'")) != 1)
		return ok;
	n = pir_cfg_scalar_len(key);
	for (size_t i = 0; i < l->n; i += 2)
		if (strlen(l->v[i]) == n && !strncasecmp(l->v[i], pir_yaml_text(key), n))
			return fail(rd, key, "duplicate key %s in 'severity_from_incident'",
				    pir_cfg_echo(&e, pir_yaml_text(key), n));
	snprintf(what, sizeof(what), "'severity_from_incident' of %s",
		 pir_cfg_echo(&e, pir_yaml_text(key), n));
	if ((ok = pir_cfg_want_text(rd, v, what)) != 1)
		return ok;
	if (rd->severities && !is_severity(rd, v))
		return fail(rd, v, "%s: %s is not one of the severities (%s)", what,
			    pir_cfg_echo(&e, pir_yaml_text(v), pir_cfg_scalar_len(v)),
			    rd->severity_list);
	if (pir_cfg_strlist_add(l, pir_yaml_text(key), n) < 0 ||
	    pir_cfg_strlist_add(l, pir_yaml_text(v), pir_cfg_scalar_len(v)) < 0)
		return PIR_ENOMEM;
	for (k = l->v[l->n - 2]; *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	return 0;
}

int pir_cfg_read_severity_from_incident(reader *rd, const yaml_node_t *v)
{
	strlist l = {NULL, 0, 0};
	echo_buf e;
	int err = 0;

	if (v->type != YAML_MAPPING_NODE)
		return fail(rd, v,
			    "'severity_from_incident' must be a mapping of an incident's severity "
			    "to a severity, not %s",
			    pir_cfg_describe(&e, v));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
	     !err && p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *key = pir_cfg_node_at(rd, p->key),
				  *value = pir_cfg_node_at(rd, p->value);
		if (key && value)
			err = read_pair(rd, &l, key, value);
	}
	if (err < 0 || !(rd->cfg->severity_from_incident = pir_cfg_strlist_finish(&l))) {
		pir_cfg_strv_free(l.v);
		return err < 0 ? err : PIR_ENOMEM;
	}
	return err;
}

const char *pir_config_severity_from_incident(const pir_config *config, const char *severity)
{
	char *const *m = config && severity ? config->severity_from_incident : NULL;

	for (size_t i = 0; m && m[i] && m[i + 1]; i += 2)
		if (!strcasecmp(m[i], severity))
			return m[i + 1];
	return NULL;
}
