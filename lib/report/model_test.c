/*
 * model_test.c - the report's last step when connection settings were read:
 * the request that tests them (see model_test.h, rules/report.conf
 * test-intro and test-line).
 */
#include "report/model_test.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* v[0..n) as input inside a single-quoted shell word: each ' closes the
 * quote, is given escaped and reopens it ('\''). */
static void shell_quoted(struct report_text *t, int field, const char *v, size_t n)
{
	const char *p = v, *end = v + n;
	for (;;) {
		const char *q = memchr(p, '\'', (size_t)(end - p));
		report_text_input(t, field, p, (size_t)((q ? q : end) - p));
		if (!q)
			return;
		report_text_lits(t, "'\\''");
		p = q + 1;
	}
}

struct fill_ctx {
	const struct report_msg_def *def;
	const char *const *val;
	const size_t *len;
	const int *field;
	int shell;
};

static int fill_one(void *ctx, struct report_text *t, const char *name, size_t n,
		    const char **after)
{
	const struct fill_ctx *c = ctx;
	(void)after;
	int k = report_placeholder(c->def, name, n);
	if (k < 0 || !c->val[k] || !c->len[k])
		return -1;
	if (c->shell)
		shell_quoted(t, c->field[k], c->val[k], c->len[k]);
	else
		report_text_input(t, c->field[k], c->val[k], c->len[k]);
	return 0;
}

/* A test-intro or test-line template with its placeholders as input (the
 * loader checked the names); returns -1 when a placeholder has no value. */
static int test_fill(struct report_text *t, const char *tmpl, const struct report_msg_def *def,
		     const char *const *val, const size_t *len, const int *field, int shell)
{
	struct fill_ctx c = {def, val, len, field, shell};
	return report_text_template(t, tmpl, fill_one, &c);
}

/* A value of the settings, trimmed; NULL when absent or empty. */
static const char *setting(const struct event *ev, int f, size_t *n)
{
	if (f < 0 || !ev->val[f])
		return NULL;
	*n = ev->len[f];
	const char *v = str_trim(ev->val[f], n);
	return *n ? v : NULL;
}

void report_build_test(struct report *m, const struct run *r)
{
	const struct report_conf *rc = m->rs->report;
	const struct event *ev = &r->settings;
	const struct engine_fields *rf = &m->rs->f;
	if (!r->nsettings)
		return;
	/* Settings that a finding says are wrong would only fail the test:
	 * the fix comes first, and no command is offered that repeats the
	 * mistake (a request to the host a finding calls wrong). */
	for (size_t i = 0; i < m->nf; i++)
		if (m->f[i].rule && (m->f[i].rule->kinds & KIND_SETTINGS) &&
		    m->f[i].rule->severity == SEV_ERROR)
			return;
	size_t gn = 0;
	const char *grant = setting(ev, rf->grant_type, &gn);
	if (!grant && rc->test_default) {
		grant = rc->test_default;
		gn = strlen(grant);
	}
	const struct report_test *test = grant ? report_conf_test(rc, grant, gn) : NULL;
	if (!test)
		return;
	const char *lv[2] = {NULL, NULL};
	size_t ln[2] = {0, 0};
	const int lf[2] = {rf->host, rf->user};
	lv[0] = setting(ev, rf->host, &ln[0]);
	lv[1] = setting(ev, rf->user, &ln[1]);
	m->test = xcalloc(test->nline, sizeof *m->test);
	for (size_t i = 0; i < test->nline; i++) {
		if (test_fill(&m->test[i], test->line[i], &report_test_line_def, lv, ln, lf, 1) <
		    0) {
			for (size_t k = 0; k <= i; k++)
				report_text_free(&m->test[k]);
			free(m->test);
			m->test = NULL;
			return;
		}
	}
	m->ntest = test->nline;
	const char *file = r->settings_file, *slash = strrchr(file, '/');
	const char *iv[1] = {slash ? slash + 1 : file};
	size_t in[1] = {strlen(iv[0])};
	const int ifd[1] = {-1};
	if (test_fill(&m->test_intro, test->intro, &report_test_intro_def, iv, in, ifd, 0) < 0)
		report_text_lits(&m->test_intro, test->intro); /* an empty file name */
}
