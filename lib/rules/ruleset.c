/*
 * ruleset.c - questions asked of a loaded ruleset (see ruleset.h): which
 * field a header, key or name means, what a code stands for, which rule has
 * an id.  Loading is rules.c's.
 */
#include "rules/ruleset.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	case SEV_NONE:
		break;
	}
	return "never";
}

int severity_parse(const char *name, enum severity *out)
{
	static const enum severity all[] = {SEV_INFO, SEV_WARNING, SEV_ERROR, SEV_NONE};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(name, severity_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}

void rules_normalize_header(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	s = str_trim(s, &n);
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = s[i];
		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '"')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[o++] = c;
	}
	out[o] = '\0';
}

int rules_field(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nfields; i++)
		if (strcmp(rs->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int rules_field_for_header(const struct ruleset *rs, const char *h, int *rank)
{
	for (size_t i = 0; i < rs->nfields; i++) {
		const struct field_def *f = &rs->fields[i];
		for (size_t a = 0; a < f->naliases; a++) {
			if (strcmp(f->aliases[a], h) == 0) {
				*rank = (int)a;
				return (int)i;
			}
		}
	}
	return -1;
}

int rules_field_for_key_rank(const struct ruleset *rs, unsigned kind, const char *norm, int *rank)
{
	for (size_t i = 0; i < rs->nkeys; i++) {
		if ((rs->keys[i].kind & kind) && strcmp(rs->keys[i].alias, norm) == 0) {
			*rank = (int)i;
			return rs->keys[i].field;
		}
	}
	*rank = -1;
	return -1;
}

int rules_field_for_key(const struct ruleset *rs, unsigned kind, const char *norm)
{
	for (size_t i = 0; i < rs->nkeys; i++)
		if ((rs->keys[i].kind & kind) && strcmp(rs->keys[i].alias, norm) == 0)
			return rs->keys[i].field;
	return -1;
}

unsigned rules_exchange_kind(const struct ruleset *rs, const char *url, size_t n, int status)
{
	if (!url || !rs->nexchanges)
		return 0;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	unsigned kind = 0;
	for (size_t i = 0; md && i < rs->nexchanges && !kind; i++) {
		const struct exchange *x = &rs->exchanges[i];
		if (x->refused_only && status != 401 && status != 403)
			continue;
		if (pcre2_match(x->re, (PCRE2_SPTR)url, n, 0, 0, md, NULL) >= 0)
			kind = x->kind;
	}
	pcre2_match_data_free(md);
	return kind;
}

const struct rule *rules_find(const struct ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	return NULL;
}

const struct steps *rules_find_steps(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nsteps; i++)
		if (strcmp(rs->steps[i].name, name) == 0)
			return &rs->steps[i];
	return NULL;
}

/* ---- code tables: open addressing on (field, key) ---- */

static uint64_t code_hash(int field, const char *key, size_t n)
{
	return hash_bytes(key, n) ^ ((uint64_t)(unsigned)field * 0x9E3779B97F4A7C15ull);
}

void rules_code_put(struct ruleset *rs, int field, const char *key, const char *text)
{
	if ((rs->ncodes + 1) * 2 > rs->ncodes_cap) {
		size_t ncap = rs->ncodes_cap ? rs->ncodes_cap * 2 : 256;
		struct code_entry *old = rs->codes;
		size_t ocap = rs->ncodes_cap;
		rs->codes = xcalloc(ncap, sizeof *rs->codes);
		rs->ncodes_cap = ncap;
		rs->ncodes = 0;
		for (size_t i = 0; i < ocap; i++) {
			if (old[i].key) {
				rules_code_put(rs, old[i].field, old[i].key, old[i].text);
				free(old[i].key);
				free(old[i].text);
			}
		}
		free(old);
	}
	size_t mask = rs->ncodes_cap - 1;
	size_t i = (size_t)code_hash(field, key, strlen(key)) & mask;
	while (rs->codes[i].key) {
		if (rs->codes[i].field == field && strcmp(rs->codes[i].key, key) == 0) {
			free(rs->codes[i].text);
			rs->codes[i].text = xstrdup(text);
			return;
		}
		i = (i + 1) & mask;
	}
	rs->codes[i].field = field;
	rs->codes[i].key = xstrdup(key);
	rs->codes[i].text = xstrdup(text);
	rs->ncodes++;
}

const char *rules_code(const struct ruleset *rs, int field, const char *val, size_t n)
{
	if (rs->ncodes == 0 || !rs->fields[field].has_codes)
		return NULL;
	size_t mask = rs->ncodes_cap - 1;
	size_t i = (size_t)code_hash(field, val, n) & mask;
	while (rs->codes[i].key) {
		const struct code_entry *c = &rs->codes[i];
		if (c->field == field && strncmp(c->key, val, n) == 0 && c->key[n] == '\0')
			return c->text;
		i = (i + 1) & mask;
	}
	return NULL;
}
