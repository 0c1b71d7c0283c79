/*
 * report_conf.c - load and check rules/report.conf (see report_conf.h).
 *
 * rules_load() reads the file with its own line reader (comments, blank
 * lines and continuations as in every rules file) and hands each line to
 * report_conf_line(); this module only parses its directives, `evidence`,
 * `message`, `draft`, `interactive-login-type`, `test-intro`, `test-line`
 * and `test-default-grant`, and checks the whole at the end.
 */
#include "rules/report_conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "rules/kinds.h"
#include "rules/lexer.h"

const struct report_msg_def report_msg_table[REPORT_MSG_COUNT] = {
    [REPORT_MSG_COVERAGE_GAP] = {"coverage-gap",
				 "the advice when a ticket's Login History does not reach a "
				 "finding's time",
				 {"history_first", "history_last", "events", "is_are", "span",
				  "where", "it_them", NULL}},
    [REPORT_MSG_UNKNOWN_FIX] = {"unknown-fix",
				"the fix of failures no rule explains (Markdown, HTML)",
				{NULL}},
    [REPORT_MSG_UNKNOWN_DRAFT] = {"unknown-draft",
				  "the fix of failures no rule explains, before the draft rule "
				  "(text)",
				  {NULL}},
    [REPORT_MSG_PAGE_TITLE] = {"page-title", "the heading of the HTML report", {NULL}},
    [REPORT_MSG_CHANGE_TRIGGER] = {"change-trigger",
				   "the Setup change that likely began a finding",
				   {"first", "what", "user", "lead", "actor", "change", "title",
				    NULL}},
    [REPORT_MSG_CHANGE_FIXED] = {"change-fixed",
				 "the later Setup change that reversed a finding's trigger",
				 {"time", "actor", "change", NULL}},
    [REPORT_MSG_NO_AUDIT_TRAIL] = {"no-audit-trail",
				   "where to find the Setup change that could explain a finding "
				   "when no Setup Audit Trail was given",
				   {"changes", NULL}},
    [REPORT_MSG_ADVICE_OLD_WORKBOOK] = {"advice-old-workbook",
					"what to do with an Excel 97-2003 workbook",
					{NULL}},
    [REPORT_MSG_ADVICE_DOWNLOAD] = {"advice-download",
				    "what to ask for instead of a PDF print or a screenshot",
				    {NULL}},
    [REPORT_MSG_ADVICE_RTF] = {"advice-rtf", "what to do with an RTF document", {NULL}},
    [REPORT_MSG_ADVICE_ODS] = {"advice-ods", "what to do with an OpenDocument spreadsheet", {NULL}},
    [REPORT_MSG_INCIDENT_NEW] = {"incident-new",
				 "what an incident headline's {new} says when its source IP is "
				 "not the one that last logged in fine",
				 {"last_good", NULL}},
    [REPORT_MSG_ADVICE_EMAIL] = {"advice-email",
				 "what to ask for when an email holds nothing to diagnose",
				 {NULL}},
};

const struct report_msg_def report_incident_headline_def = {
    "incident-headline",
    "the headline of an incident across tickets (triage)",
    {"tickets", "since", "what", "value", "new", "cause", NULL}};

const struct report_msg_def report_draft_def = {
    "draft",
    "the rule stanza offered for failures no rule explains (text)",
    {"field", "pattern", "value", "kind", "counter", NULL}};

const struct report_msg_def report_test_line_def = {
    "test-line", "the request that tests connection settings", {"host", "username", NULL}};
const struct report_msg_def report_test_intro_def = {
    "test-intro", "the sentence before the request that tests connection settings", {"file", NULL}};

/* What report_conf_begin() .. report_conf_end() keep while loading. */
struct rcloader {
	const struct ruleset *rs;
	struct report_conf *rc;
	rules_error_fn err;
	void *ctx;
	const char *file;
	int line;
	int nerrors;
	int msg_line[REPORT_MSG_COUNT]; /* where each message was given, 0: not yet */
	size_t evcap, draftcap, dfcap, intercap, testcap;
	int default_line;	   /* where test-default-grant was given, 0: not */
	int window_line, min_line; /* where incident-window, -min-tickets were given */
};

static void rcerror(struct rcloader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void rcerror(struct rcloader *ld, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	if (ld->line > 0)
		sb_printf(&sb, "%s:%d: ", ld->file, ld->line);
	else
		sb_printf(&sb, "%s: ", ld->file);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	ld->err(ld->ctx, sb_str(&sb));
	sb_free(&sb);
	ld->nerrors++;
}

int report_placeholder(const struct report_msg_def *def, const char *name, size_t n)
{
	for (int i = 0; i < REPORT_MSG_MAX_PLACEHOLDERS && def->placeholders[i]; i++)
		if (strlen(def->placeholders[i]) == n && memcmp(def->placeholders[i], name, n) == 0)
			return i;
	return -1;
}

struct check_ctx {
	struct rcloader *ld;
	const struct report_msg_def *def;
};

static void check_one(void *ctx, const char *at, const char *name, size_t n)
{
	const struct check_ctx *c = ctx;
	const struct report_msg_def *def = c->def;
	(void)at;
	if (report_placeholder(def, name, n) >= 0)
		return;
	struct strbuf known = {0};
	for (int i = 0; i < REPORT_MSG_MAX_PLACEHOLDERS && def->placeholders[i]; i++)
		sb_printf(&known, "%s{%s}", i ? ", " : "", def->placeholders[i]);
	rcerror(c->ld, "unknown placeholder {%.*s} in %s (it may use %s)", (int)n, name, def->name,
		known.len ? sb_str(&known) : "none");
	sb_free(&known);
}

/* Every {name} of text must be a placeholder of def; "{{" is a literal "{". */
static void check_placeholders(struct rcloader *ld, const struct report_msg_def *def,
			       const char *text)
{
	struct check_ctx c = {ld, def};
	if (lex_placeholders(text, check_one, &c))
		rcerror(ld, "unclosed '{' in %s text", def->name);
}

static void parse_evidence(struct rcloader *ld, char *rest)
{
	struct report_conf *rc = ld->rc;
	char *name = str_take_word(rest, &rest);
	char *key = str_take_word(rest, &rest);
	char *how = str_take_word(rest, &rest);
	int field = REPORT_FIELD_SAID;
	if (strcmp(name, "said") != 0) {
		field = rules_field(ld->rs, name);
		if (field < 0) {
			rcerror(ld,
				"evidence: unknown field '%s' (declare it in fields.conf, or use "
				"'said')",
				name);
			return;
		}
	}
	if (!*key || !*how) {
		rcerror(ld, "evidence needs NAME KEY LAYOUT [LABEL [| SHORT LABEL]]");
		return;
	}
	for (size_t i = 0; i < rc->nevidence; i++) {
		if (strcmp(rc->evidence[i].name, name) == 0 ||
		    strcmp(rc->evidence[i].key, key) == 0) {
			rcerror(ld, "evidence: '%s' is already a row (%s %s)", name,
				rc->evidence[i].name, rc->evidence[i].key);
			return;
		}
	}
	enum report_layout layout;
	if (strcmp(how, "list") == 0)
		layout = REPORT_LAYOUT_LIST;
	else if (strcmp(how, "table") == 0)
		layout = REPORT_LAYOUT_TABLE;
	else if (strcmp(how, "data") == 0)
		layout = REPORT_LAYOUT_DATA;
	else {
		rcerror(ld, "evidence: layout must be list, table or data, not '%s'", how);
		return;
	}
	char *label = NULL, *short_label = NULL;
	if (layout == REPORT_LAYOUT_DATA) {
		if (*rest) {
			rcerror(ld,
				"evidence: a data row has no label (it is only in the JSON "
				"report), not '%s'",
				rest);
			return;
		}
	} else {
		char *bar = strchr(rest, '|');
		size_t ln = bar ? (size_t)(bar - rest) : strlen(rest);
		const char *l = str_trim(rest, &ln);
		if (!ln) {
			rcerror(ld, "evidence: a %s row needs a label", how);
			return;
		}
		label = xstrndup(l, ln);
		if (bar) {
			size_t sn = strlen(bar + 1);
			const char *s = str_trim(bar + 1, &sn);
			short_label = sn ? xstrndup(s, sn) : NULL;
		}
		const char *term = short_label ? short_label : label;
		size_t cols = 0;
		for (const char *p = term; *p; p++)
			cols += ((unsigned char)*p & 0xC0) != 0x80;
		if (cols > REPORT_SHORT_LABEL_MAX) {
			rcerror(ld,
				"evidence: label '%s' is wider than the text report's label column "
				"(%d characters): add a short one after '|'",
				term, REPORT_SHORT_LABEL_MAX);
			free(label);
			free(short_label);
			return;
		}
		if (!short_label)
			short_label = xstrdup(label);
	}
	rc->evidence = xgrow(rc->evidence, &ld->evcap, rc->nevidence + 1, sizeof *rc->evidence);
	rc->evidence[rc->nevidence++] = (struct report_evidence){
	    xstrdup(name), field, xstrdup(key), label, short_label, layout};
}

static void parse_message(struct rcloader *ld, char *rest)
{
	char *name = str_take_word(rest, &rest);
	int m = -1;
	for (int i = 0; i < REPORT_MSG_COUNT; i++)
		if (strcmp(report_msg_table[i].name, name) == 0)
			m = i;
	if (m < 0) {
		struct strbuf known = {0};
		for (int i = 0; i < REPORT_MSG_COUNT; i++)
			sb_printf(&known, "%s%s", i ? ", " : "", report_msg_table[i].name);
		rcerror(ld, "unknown message '%s' (the report uses %s)", name, sb_str(&known));
		sb_free(&known);
		return;
	}
	if (!*rest) {
		rcerror(ld, "message %s needs a text", name);
		return;
	}
	if (ld->msg_line[m]) {
		rcerror(ld, "message %s given twice (first on line %d)", name, ld->msg_line[m]);
		return;
	}
	check_placeholders(ld, &report_msg_table[m], rest);
	ld->msg_line[m] = ld->line;
	ld->rc->msg[m] = xstrdup(rest);
}

static void parse_draft(struct rcloader *ld, char *rest)
{
	struct report_conf *rc = ld->rc;
	if (!*rest) {
		rcerror(ld, "draft needs the text of one line of the stanza");
		return;
	}
	check_placeholders(ld, &report_draft_def, rest);
	rc->draft = xgrow(rc->draft, &ld->draftcap, rc->ndraft + 1, sizeof *rc->draft);
	rc->draft[rc->ndraft++] = xstrdup(rest);
}

/* draft-field KIND FIELD [contains] [optional "TEXT"] COUNTER */
static void parse_draft_field(struct rcloader *ld, char *rest)
{
	struct report_conf *rc = ld->rc;
	char *kind = str_take_word(rest, &rest);
	char *name = str_take_word(rest, &rest);
	char *optional = NULL;
	int contains = strncmp(rest, "contains ", 9) == 0;
	if (contains)
		str_take_word(rest, &rest);
	if (strncmp(rest, "optional ", 9) == 0) {
		char *open = strchr(rest, '"');
		char *close = open ? strchr(open + 1, '"') : NULL;
		if (!close || close == open + 1) {
			rcerror(ld, "draft-field: optional needs a text in double quotes");
			return;
		}
		for (const char *p = open + 1; p < close; p++) {
			if (strchr("\\^$.|?*+()[]{}/", *p)) {
				rcerror(ld, "draft-field: the optional text must be literal");
				return;
			}
		}
		optional = xstrndup(open + 1, (size_t)(close - open - 1));
		rest = close + 1;
	}
	size_t cn = strlen(rest);
	const char *counter = str_trim(rest, &cn);
	unsigned bit = kind_parse(kind);
	int field = rules_field(ld->rs, name);
	const char *why = NULL;
	if (!*kind || !*name || !cn)
		why = "draft-field needs KIND FIELD [contains] [optional \"TEXT\"] COUNTER";
	else if (!bit || (bit & (KIND_CHECKLIST | KIND_CHANGE)))
		why = "draft-field: not a kind of failures";
	else if (field < 0)
		why = "draft-field: unknown field (declare it in fields.conf)";
	if (why) {
		rcerror(ld, "%s: '%s %s'", why, kind, name);
		free(optional);
		return;
	}
	rc->draft_fields =
	    xgrow(rc->draft_fields, &ld->dfcap, rc->ndraft_fields + 1, sizeof *rc->draft_fields);
	rc->draft_fields[rc->ndraft_fields++] =
	    (struct report_draft_field){bit, field, xstrndup(counter, cn), optional, contains};
}

/* interactive-login-type VALUE [| VALUE...] */
static void parse_interactive(struct rcloader *ld, char *rest)
{
	struct report_conf *rc = ld->rc;
	if (!*rest) {
		rcerror(ld, "interactive-login-type needs a Login Type value");
		return;
	}
	for (char *p = rest; p;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		size_t vn = strlen(p);
		const char *v = str_trim(p, &vn);
		if (vn) {
			char *low = xstrndup(v, vn);
			for (char *c = low; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c + 32);
			rc->interactive = xgrow(rc->interactive, &ld->intercap,
						rc->ninteractive + 1, sizeof *rc->interactive);
			rc->interactive[rc->ninteractive++] = low;
		}
		p = bar ? bar + 1 : NULL;
	}
}

const struct report_test *report_conf_test(const struct report_conf *rc, const char *s, size_t n)
{
	for (size_t i = 0; i < rc->ntests; i++)
		if (strlen(rc->tests[i].grant) == n && str_ieq(s, n, rc->tests[i].grant))
			return &rc->tests[i];
	return NULL;
}

static char *lower_dup(const char *s)
{
	char *low = xstrdup(s);
	for (char *c = low; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	return low;
}

/* test-intro GRANT TEXT, test-line GRANT LINE: the test of one grant type. */
static void parse_test(struct rcloader *ld, const char *kw, char *rest)
{
	struct report_conf *rc = ld->rc;
	int intro = strcmp(kw, "test-intro") == 0;
	char *grant = str_take_word(rest, &rest);
	if (!*grant || !*rest) {
		rcerror(ld, "%s needs a grant type and a text", kw);
		return;
	}
	check_placeholders(ld, intro ? &report_test_intro_def : &report_test_line_def, rest);
	struct report_test *t = (struct report_test *)report_conf_test(rc, grant, strlen(grant));
	if (!t) {
		rc->tests = xgrow(rc->tests, &ld->testcap, rc->ntests + 1, sizeof *rc->tests);
		t = &rc->tests[rc->ntests++];
		*t = (struct report_test){.grant = lower_dup(grant)};
	}
	if (intro) {
		if (t->intro) {
			rcerror(ld, "test-intro %s given twice", grant);
			return;
		}
		t->intro = xstrdup(rest);
	} else {
		t->line = xrealloc(t->line, (t->nline + 1) * sizeof *t->line);
		t->line[t->nline++] = xstrdup(rest);
	}
}

static void parse_test_default(struct rcloader *ld, char *rest)
{
	char *grant = str_take_word(rest, &rest);
	if (!*grant || *rest) {
		rcerror(ld, "test-default-grant needs one grant type");
		return;
	}
	if (ld->default_line) {
		rcerror(ld, "test-default-grant given twice (first on line %d)", ld->default_line);
		return;
	}
	ld->default_line = ld->line;
	ld->rc->test_default = lower_dup(grant);
}

static struct report_incident_key *ikey_find(struct report_conf *rc, const char *name)
{
	for (size_t i = 0; i < rc->nikeys; i++)
		if (strcmp(rc->ikeys[i].name, name) == 0)
			return &rc->ikeys[i];
	return NULL;
}

/* incident-key NAME FIELD[/PREFIX] */
static void parse_incident_key(struct rcloader *ld, char *rest)
{
	struct report_conf *rc = ld->rc;
	char *name = str_take_word(rest, &rest);
	char *spec = str_take_word(rest, &rest);
	if (!*name || !*spec || *rest) {
		rcerror(ld, "incident-key needs NAME FIELD or NAME FIELD/PREFIX (source_ip/24)");
		return;
	}
	if (ikey_find(rc, name)) {
		rcerror(ld, "incident-key %s given twice", name);
		return;
	}
	if (rc->nikeys >= REPORT_MAX_INCIDENT_KEYS) {
		rcerror(ld, "more than %d incident keys", REPORT_MAX_INCIDENT_KEYS);
		return;
	}
	int prefix = 0;
	char *slash = strchr(spec, '/');
	if (slash) {
		char *end;
		long v = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || v < 8 || v > 32) {
			rcerror(ld,
				"incident-key %s: /%s is not an IPv4 prefix length from 8 to 32",
				name, slash + 1);
			return;
		}
		prefix = (int)v;
		*slash = '\0';
	}
	int field = rules_field(ld->rs, spec);
	if (field < 0) {
		rcerror(ld, "incident-key %s: unknown field '%s' (declare it in fields.conf)", name,
			spec);
		return;
	}
	rc->ikeys[rc->nikeys++] = (struct report_incident_key){
	    .name = xstrdup(name), .field = field, .prefix = prefix, .line = ld->line};
}

/* incident-headline NAME TEXT, incident-advice NAME TEXT */
static void parse_incident_text(struct rcloader *ld, const char *kw, char *rest)
{
	char *name = str_take_word(rest, &rest);
	struct report_incident_key *k = ikey_find(ld->rc, name);
	if (!*name || !*rest) {
		rcerror(ld, "%s needs a key name and a text", kw);
		return;
	}
	if (!k) {
		rcerror(ld, "%s %s: no incident-key %s before it", kw, name, name);
		return;
	}
	int headline = strcmp(kw, "incident-headline") == 0;
	char **slot = headline ? &k->headline : &k->advice;
	if (*slot) {
		rcerror(ld, "%s %s given twice", kw, name);
		return;
	}
	if (headline) {
		check_placeholders(ld, &report_incident_headline_def, rest);
	} else {
		static const struct report_msg_def none = {
		    "incident-advice", "what an incident means", {NULL}};
		check_placeholders(ld, &none, rest);
	}
	*slot = xstrdup(rest);
}

static void parse_incident_number(struct rcloader *ld, const char *kw, char *rest)
{
	struct report_conf *rc = ld->rc;
	int window = strcmp(kw, "incident-window") == 0;
	int *seen = window ? &ld->window_line : &ld->min_line;
	if (*seen) {
		rcerror(ld, "%s given twice (first on line %d)", kw, *seen);
		return;
	}
	if (window) {
		if (rules_duration(rest, &rc->incident_window_ms) != 0) {
			rcerror(ld,
				"incident-window must be a duration such as 90s, 30m, 2h or 1d, "
				"not '%s'",
				rest);
			return;
		}
	} else {
		char *end;
		long v = strtol(rest, &end, 10);
		if (end == rest || *end || v < 2 || v > 1000000) {
			rcerror(
			    ld,
			    "incident-min-tickets must be a number of tickets of at least 2 (one "
			    "ticket is never an incident), not '%s'",
			    rest);
			return;
		}
		rc->incident_min_tickets = (size_t)v;
	}
	*seen = ld->line;
}

int report_conf_interactive(const struct report_conf *rc, const char *s, size_t n)
{
	for (size_t i = 0; i < rc->ninteractive; i++)
		if (strlen(rc->interactive[i]) == n && str_ieq(s, n, rc->interactive[i]))
			return 1;
	return 0;
}

void report_conf_line(void *ctx, const char *file, int line, char *text)
{
	struct rcloader *ld = ((struct report_conf *)ctx)->loading;
	char *rest;
	ld->line = line;
	(void)file;
	char *kw = str_take_word(text, &rest);
	if (strcmp(kw, "evidence") == 0)
		parse_evidence(ld, rest);
	else if (strcmp(kw, "message") == 0)
		parse_message(ld, rest);
	else if (strcmp(kw, "draft") == 0)
		parse_draft(ld, rest);
	else if (strcmp(kw, "draft-field") == 0)
		parse_draft_field(ld, rest);
	else if (strcmp(kw, "interactive-login-type") == 0)
		parse_interactive(ld, rest);
	else if (strcmp(kw, "test-intro") == 0 || strcmp(kw, "test-line") == 0)
		parse_test(ld, kw, rest);
	else if (strcmp(kw, "test-default-grant") == 0)
		parse_test_default(ld, rest);
	else if (strcmp(kw, "incident-key") == 0)
		parse_incident_key(ld, rest);
	else if (strcmp(kw, "incident-headline") == 0 || strcmp(kw, "incident-advice") == 0)
		parse_incident_text(ld, kw, rest);
	else if (strcmp(kw, "incident-window") == 0 || strcmp(kw, "incident-min-tickets") == 0)
		parse_incident_number(ld, kw, rest);
	else
		rcerror(ld,
			"unknown directive '%s' (expected evidence, message, draft, draft-field, "
			"interactive-login-type, test-intro, test-line, test-default-grant, "
			"incident-key, incident-headline, incident-advice, incident-window or "
			"incident-min-tickets)",
			kw);
}

struct report_conf *report_conf_begin(const struct ruleset *rs, const char *path,
				      rules_error_fn err, void *ctx)
{
	struct report_conf *rc = xcalloc(1, sizeof *rc);
	struct rcloader *ld = xcalloc(1, sizeof *ld);
	*ld = (struct rcloader){.rs = rs, .rc = rc, .err = err, .ctx = ctx};
	rc->file = xstrdup(path);
	ld->file = rc->file;
	rc->loading = ld;
	return rc;
}

int report_conf_end(struct report_conf **rcp, int missing, int read_errors)
{
	struct report_conf *rc = *rcp;
	struct rcloader *ld = rc->loading;
	ld->line = 0;
	ld->nerrors += read_errors;
	if (missing) {
		rcerror(ld, "cannot open: No such file or directory (the report's evidence rows "
			    "and messages are read from it)");
	} else {
		for (int i = 0; i < REPORT_MSG_COUNT; i++)
			if (!ld->msg_line[i])
				rcerror(ld, "no message '%s' (%s): give it with `message %s TEXT`",
					report_msg_table[i].name, report_msg_table[i].needed_by,
					report_msg_table[i].name);
		if (!rc->ndraft)
			rcerror(ld, "no draft lines (%s): give them with `draft LINE`",
				report_draft_def.needed_by);
		if (!rc->ndraft_fields)
			rcerror(ld,
				"no draft-field lines (the field the draft rule tests, per kind): "
				"give them with `draft-field KIND FIELD COUNTER`");
		for (size_t i = 0; i < rc->ntests; i++)
			if (!rc->tests[i].intro || !rc->tests[i].nline)
				rcerror(ld,
					"the test of grant type %s needs a test-intro and at least "
					"one test-line",
					rc->tests[i].grant);
		if (rc->test_default &&
		    !report_conf_test(rc, rc->test_default, strlen(rc->test_default)))
			rcerror(ld, "test-default-grant %s: no test-line gives that grant type",
				rc->test_default);
		if (!ld->window_line)
			rcerror(ld,
				"no incident-window (how close the first failures of tickets must "
				"be to form an incident): give it with `incident-window 30m`");
		if (!ld->min_line)
			rcerror(ld, "no incident-min-tickets (how many tickets make an incident): "
				    "give it with `incident-min-tickets 2`");
		for (size_t i = 0; i < rc->nikeys; i++) {
			const struct report_incident_key *k = &rc->ikeys[i];
			ld->line = k->line;
			if (!k->headline || !k->advice)
				rcerror(ld,
					"incident-key %s needs an incident-headline and an "
					"incident-advice",
					k->name);
			int shown = 0;
			for (size_t e = 0; e < rc->nevidence; e++)
				shown |= rc->evidence[e].field == k->field;
			if (!shown)
				rcerror(ld,
					"incident-key %s: its field has no evidence row, so no "
					"ticket keeps its values (add an `evidence` line)",
					k->name);
		}
		ld->line = 0;
	}
	int n = ld->nerrors;
	free(ld);
	rc->loading = NULL;
	if (n) {
		report_conf_free(rc);
		*rcp = NULL;
	}
	return n;
}

void report_conf_free(struct report_conf *rc)
{
	if (!rc)
		return;
	free(rc->loading);
	for (size_t i = 0; i < rc->nevidence; i++) {
		free(rc->evidence[i].name);
		free(rc->evidence[i].key);
		free(rc->evidence[i].label);
		free(rc->evidence[i].short_label);
	}
	free(rc->evidence);
	for (int i = 0; i < REPORT_MSG_COUNT; i++)
		free(rc->msg[i]);
	for (size_t i = 0; i < rc->ndraft; i++)
		free(rc->draft[i]);
	free(rc->draft);
	for (size_t i = 0; i < rc->ndraft_fields; i++) {
		free(rc->draft_fields[i].counter);
		free(rc->draft_fields[i].optional);
	}
	free(rc->draft_fields);
	for (size_t i = 0; i < rc->ntests; i++) {
		free(rc->tests[i].grant);
		free(rc->tests[i].intro);
		for (size_t k = 0; k < rc->tests[i].nline; k++)
			free(rc->tests[i].line[k]);
		free(rc->tests[i].line);
	}
	free(rc->tests);
	free(rc->test_default);
	for (size_t i = 0; i < rc->nikeys; i++) {
		free(rc->ikeys[i].name);
		free(rc->ikeys[i].headline);
		free(rc->ikeys[i].advice);
	}
	for (size_t i = 0; i < rc->ninteractive; i++)
		free(rc->interactive[i]);
	free(rc->interactive);
	free(rc->file);
	free(rc);
}
