/*
 * rules.c - load a rules directory (see ruleset.h, docs/rules.md): which
 * files are read and in which order, the fields the engine needs, and what
 * is resolved once every file is read.  The files themselves are parsed by
 * conf.c, rulefile.c and extract.c, all through one lexer (lexer.h) and one
 * pattern compiler (pattern.h).
 */
#include "rules/ruleset.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "rules/extract.h"
#include "rules/load.h"
#include "rules/report_conf.h"

/* Mark the fields of the conditions c[0..n) as read for kinds. */
static void mark_conds(struct ruleset *rs, const struct cond *c, size_t n, unsigned kinds)
{
	for (size_t k = 0; k < n; k++) {
		if (c[k].field >= 0)
			rs->fields[c[k].field].used |= kinds;
		if (c[k].other >= 0)
			rs->fields[c[k].other].used |= kinds;
	}
}

/* Mark the fields anything reads, so adapters can skip the others. */
static void mark_used(struct ruleset *rs)
{
	const unsigned all = ~0u;
	const int engine[] = {rs->f.time,    rs->f.user,      rs->f.application,
			      rs->f.status,  rs->f.source_ip, rs->f.action,
			      rs->f.display, rs->f.section,   rs->f.delegate_user};
	for (size_t i = 0; i < sizeof engine / sizeof engine[0]; i++)
		if (engine[i] >= 0)
			rs->fields[engine[i]].used = all;
	for (size_t i = 0; i < rs->nsuccess; i++)
		mark_conds(rs, &rs->success[i], 1, rs->success_kind[i]);
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		mark_conds(rs, r->conds, r->nconds, r->kinds);
		for (size_t f = 0; f < rs->nfields; f++)
			if (r->placeholders[f])
				rs->fields[f].used |= r->kinds;
	}
	/* A fallback's source is read too, and a FIELD_code is filled from FIELD. */
	for (size_t f = 0; f < rs->nfields; f++) {
		if (rs->fallback[f] >= 0)
			rs->fields[rs->fallback[f]].used |= rs->fields[f].used;
		if (rs->code_field_of[f] >= 0)
			rs->fields[f].used |= rs->fields[rs->code_field_of[f]].used;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fields code reads by name (struct engine_fields), and who needs each. */
static const struct {
	const char *name;
	size_t off;
	const char *needed_by;
} engine_field_table[] = {
#define EF(name, why)                                                                              \
	{                                                                                          \
#name, offsetof(struct engine_fields, name), why                                   \
	}
    EF(time, "every input: the time of an event"),
    EF(user, "every input: findings group their evidence by user"),
    EF(application, "every input: findings group their evidence by application"),
    EF(status, "Login History: success is decided on it"),
    EF(source_ip, "Login History: the IP evidence of every finding"),
    EF(http_status, "HTTP exchanges and log lines: the response status"),
    EF(host, "HTTP exchanges: the host, and settings context for responses"),
    EF(scheme, "HTTP exchanges: http or https"),
    EF(path, "HTTP exchanges: the endpoint path"),
    EF(method, "HTTP exchanges: the request method"),
    EF(grant_type, "token requests: the OAuth flow"),
    EF(content_type, "HTTP exchanges: the body's content type"),
    EF(body_kind, "HTTP exchanges: whether the body was JSON, HTML, text or empty"),
    EF(error, "token responses: the OAuth error"),
    EF(error_description, "token responses: the OAuth error description"),
    EF(error_uri, "token responses: the OAuth error URI"),
    EF(error_code, "API errors: the REST or SOAP error code"),
    EF(message, "API errors: the message"),
    EF(access_token, "token responses: a success body"),
    EF(client, "log lines: the client library that wrote them"),
    EF(base_url, "settings: the Salesforce host"),
    EF(padded, "settings: values with blanks around them"),
    EF(empty, "settings: values left empty"),
    EF(unknown_keys, "settings: keys sfdiag does not know"),
    EF(action, "Setup Audit Trail: the API Action code of a change"),
    EF(display, "Setup Audit Trail: the sentence that describes a change"),
    EF(section, "Setup Audit Trail: the Setup section of a change"),
    EF(delegate_user, "Setup Audit Trail: the Login-As user who made a change"),
#undef EF
};

/* Bind struct engine_fields after fields.conf: every entry must be declared. */
static void bind_engine_fields(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	for (size_t i = 0; i < sizeof engine_field_table / sizeof engine_field_table[0]; i++) {
		int f = rules_field(rs, engine_field_table[i].name);
		*(int *)(void *)((char *)&rs->f + engine_field_table[i].off) = f;
		if (f < 0)
			lex_error_line(&ld->lx, 0, "no field '%s' (%s): declare it with `field %s`",
				       engine_field_table[i].name, engine_field_table[i].needed_by,
				       engine_field_table[i].name);
	}
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *keep_name(struct ruleset *rs, const char *path)
{
	size_t cap = rs->nfiles;
	rs->files = xgrow(rs->files, &cap, rs->nfiles + 1, sizeof *rs->files);
	rs->files[rs->nfiles] = xstrdup(path);
	return rs->files[rs->nfiles++];
}

enum file_kind { FILE_PATTERNS, FILE_FIELDS, FILE_CODES, FILE_SECRETS, FILE_RULES };

/* Read one file of the directory; returns 0, or -1 when it could not be
 * opened (reported, except for an optional file that does not exist). */
static int load_file(struct loader *ld, const char *path, enum file_kind kind)
{
	const char *file = keep_name(ld->rs, path);
	int rc = lex_open(&ld->lx, file, ld->err, ld->ctx);
	if (rc == -1 && (kind == FILE_PATTERNS || kind == FILE_SECRETS))
		return 0; /* optional */
	if (rc == -1)
		lex_error_line(&ld->lx, 0, "cannot open: No such file or directory");
	if (rc != 0) {
		ld->nerrors += ld->lx.nerrors;
		return -1;
	}
	switch (kind) {
	case FILE_PATTERNS:
		conf_parse_patterns(ld);
		break;
	case FILE_FIELDS:
		conf_parse_fields(ld);
		break;
	case FILE_CODES:
		conf_parse_codes(ld);
		break;
	case FILE_SECRETS:
		conf_parse_secrets(ld);
		break;
	case FILE_RULES:
		rulefile_parse(ld);
		break;
	}
	ld->nerrors += ld->lx.nerrors;
	lex_close(&ld->lx);
	return 0;
}

/*
 * report.conf (report_conf.h), read through the same lexer as every other
 * file and handed to its parser one logical line at a time.  Returns the
 * errors, which report_conf_end() counts (the lexer's included).
 */
static int load_report_conf(struct loader *ld, const char *path)
{
	struct ruleset *rs = ld->rs;
	const char *file = keep_name(rs, path);
	rs->report = report_conf_begin(rs, file, ld->err, ld->ctx);
	int rc = lex_open(&ld->lx, file, ld->err, ld->ctx);
	if (rc == 0) {
		char *text;
		while ((text = lex_next(&ld->lx)) != NULL)
			report_conf_line(rs->report, file, ld->lx.line, text);
		lex_close(&ld->lx);
	}
	return report_conf_end(&rs->report, rc == -1, ld->lx.nerrors);
}

/* The .rules files to read, in name order: those of the directory, or
 * the one named. */
static char **rule_files(struct ruleset *rs, const char *path, size_t *nnames)
{
	char **names = NULL;
	size_t cap = 0;
	*nnames = 0;
	if (is_dir(path)) {
		rs->dir = xstrdup(path);
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			if (n > 6 && strcmp(de->d_name + n - 6, ".rules") == 0) {
				names = xgrow(names, &cap, *nnames + 1, sizeof *names);
				names[(*nnames)++] = xstrdup(de->d_name);
			}
		}
		if (d)
			closedir(d);
		if (*nnames)
			qsort(names, *nnames, sizeof *names, cmp_str);
	} else {
		const char *slash = strrchr(path, '/');
		rs->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
		names = xgrow(names, &cap, 1, sizeof *names);
		names[(*nnames)++] = xstrdup(slash ? slash + 1 : path);
	}
	return names;
}

struct ruleset *rules_load(const char *path, int use_jit, rules_error_fn err, void *ctx)
{
	struct ruleset *rs = xcalloc(1, sizeof *rs);
	struct loader ld = {.rs = rs, .err = err, .ctx = ctx};
	struct strbuf p = {0};
	size_t nnames;

	rs->use_jit = use_jit;
	for (size_t i = 0; i < SFDIAG_MAX_FIELDS; i++)
		rs->fallback[i] = -1;
	char **names = rule_files(rs, path, &nnames);

	/* The load order: a define is known from its line on. */
	sb_printf(&p, "%s/patterns.conf", rs->dir);
	load_file(&ld, sb_str(&p), FILE_PATTERNS);
	sb_reset(&p);
	sb_printf(&p, "%s/fields.conf", rs->dir);
	if (load_file(&ld, sb_str(&p), FILE_FIELDS) == 0) {
		lex_init(&ld.lx, rs->files[rs->nfiles - 1], err, ctx); /* for its errors */
		bind_engine_fields(&ld);
		ld.nerrors += ld.lx.nerrors;
	}
	sb_reset(&p);
	sb_printf(&p, "%s/codes.conf", rs->dir);
	load_file(&ld, sb_str(&p), FILE_CODES);
	sb_reset(&p);
	sb_printf(&p, "%s/secrets.conf", rs->dir);
	load_file(&ld, sb_str(&p), FILE_SECRETS);
	sb_reset(&p);
	sb_printf(&p, "%s/extract.conf", rs->dir);
	int xerr = 0;
	rs->extract = extract_load(rs, sb_str(&p), use_jit, err, ctx, &xerr);
	ld.nerrors += xerr;
	sb_reset(&p);
	sb_printf(&p, "%s/report.conf", rs->dir);
	ld.nerrors += load_report_conf(&ld, sb_str(&p));
	for (size_t i = 0; i < nnames; i++) {
		sb_reset(&p);
		sb_printf(&p, "%s/%s", rs->dir, names[i]);
		load_file(&ld, sb_str(&p), FILE_RULES);
		free(names[i]);
	}
	free(names);
	sb_free(&p);

	for (size_t i = 0; i < rs->nfields; i++) {
		char name[96];
		snprintf(name, sizeof name, "%s_code", rs->fields[i].name);
		rs->code_field_of[i] = rules_field(rs, name);
	}
	rulefile_resolve(&ld);
	mark_used(rs);
	for (size_t f = 0; f < rs->nfields; f++)
		if (rs->fallback[f] >= 0)
			rs->fallback_list[rs->nfallbacks++] = (int)f;
	lex_init(&ld.lx, rs->dir, err, ctx);
	if (rs->f.status < 0)
		lex_error_line(&ld.lx, 0, "fields.conf must declare the field 'status'");
	if (rs->nrules == 0 && ld.nerrors == 0 && ld.lx.nerrors == 0)
		lex_error_line(&ld.lx, 0, "no rules found (*.rules)");
	if (ld.nerrors || ld.lx.nerrors) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

void rules_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nfields; i++) {
		free(rs->fields[i].name);
		for (size_t a = 0; a < rs->fields[i].naliases; a++)
			free(rs->fields[i].aliases[a]);
		free(rs->fields[i].aliases);
	}
	for (size_t i = 0; i < rs->nsuccess; i++)
		cond_free(&rs->success[i]);
	free(rs->success);
	free(rs->success_kind);
	for (size_t i = 0; i < rs->nexpects; i++)
		free(rs->expects[i].text);
	for (size_t i = 0; i < rs->nkeys; i++)
		free(rs->keys[i].alias);
	free(rs->keys);
	mask_free(&rs->mask);
	extract_free(rs->extract);
	report_conf_free(rs->report);
	for (size_t i = 0; i < rs->nexchanges; i++)
		pcre2_code_free(rs->exchanges[i].re);
	free(rs->exchanges);
	for (size_t i = 0; i < rs->narrays; i++) {
		for (size_t k = 0; k < rs->arrays[i].nparts; k++)
			free(rs->arrays[i].part[k]);
		free(rs->arrays[i].part);
		free(rs->arrays[i].path);
	}
	free(rs->arrays);
	for (size_t i = 0; i < rs->ncodes_cap; i++) {
		free(rs->codes[i].key);
		free(rs->codes[i].text);
	}
	free(rs->codes);
	for (size_t i = 0; i < rs->nrules; i++)
		rulefile_free_rule(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->nsteps; i++)
		rulefile_free_steps(&rs->steps[i]);
	free(rs->steps);
	pattern_defs_free(&rs->defines);
	for (size_t i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->dir);
	free(rs);
}

/* PREFIX/share/sfdiag/rules for the binary PREFIX/bin/sfdiag that runs,
 * wherever the installed tree was copied or moved; "" when unknown. */
static const char *rules_beside_binary(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0 || (size_t)n >= sizeof path - 32)
		return "";
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (!slash)
		return "";
	*slash = '\0'; /* PREFIX/bin */
	slash = strrchr(path, '/');
	if (!slash || strcmp(slash, "/bin") != 0)
		return "";
	/* Room is left above: n < sizeof path - 32. */
	static const char tail[] = "/share/sfdiag/rules";
	memcpy(slash, tail, sizeof tail);
	return path;
}

const char *rules_locate(const char *opt)
{
	const char *fixed[] = {rules_beside_binary(), SFDIAG_DATADIR "/rules",
			       SFDIAG_SRCDIR "/rules"};
	struct stat st;
	if (opt)
		return opt;
	const char *env = getenv("SFDIAG_RULES");
	if (env && *env)
		return env;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (*fixed[i] && stat(fixed[i], &st) == 0 && S_ISDIR(st.st_mode))
			return fixed[i];
	return NULL;
}
