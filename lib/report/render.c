/*
 * render.c - helpers shared by the renderers (see render.h).
 */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void render_count(struct strbuf *out, uint64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			sb_addc(out, ',');
		sb_addc(out, digits[i]);
	}
}

void render_escape_term(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t bad;
		if (c >= 0x20 && c < 0x7F) {
			sb_addc(out, (char)c);
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* Length of this UTF-8 sequence, if valid. */
			size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			if (len <= n - i && utf8_valid(s + i, len, &bad)) {
				/* C1 controls (U+0080..U+009F) are escapes on some terminals. */
				if (!(c == 0xC2 && (unsigned char)s[i + 1] < 0xA0)) {
					sb_add(out, s + i, len);
					i += len;
					continue;
				}
			}
		}
		sb_printf(out, "\\x%02X", c);
		i++;
	}
}

void render_shape(struct strbuf *out, const char *s, size_t n)
{
	int up = 0, low = 0, dig = 0, other = 0, space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= 'a' && c <= 'z')
			low = 1;
		else if (c >= '0' && c <= '9')
			dig = 1;
		else if (c == ' ' || c == '\t')
			space = 1;
		else
			other = 1;
	}
	sb_printf(out, "[secret: %zu char%s", n, n == 1 ? "" : "s");
	if (n)
		sb_printf(out, ",%s%s%s%s%s", up ? " A-Z" : "", low ? " a-z" : "",
			  dig ? " 0-9" : "", other ? " symbols" : "", space ? " spaces" : "");
	sb_addc(out, ']');
}

void render_text_value(struct strbuf *out, const struct ruleset *rs, const char *s, size_t n)
{
	if (rs->nmasks == 0) {
		render_escape_term(out, s, n);
		return;
	}
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	struct strbuf cur = {0}, next = {0};
	sb_add(&cur, s, n);
	for (size_t m = 0; md && m < rs->nmasks; m++) {
		size_t pos = 0;
		sb_reset(&next);
		while (pos <= cur.len) {
			int rc = pcre2_match(rs->masks[m], (PCRE2_SPTR)sb_str(&cur), cur.len, pos,
					     0, md, NULL);
			if (rc < 0)
				break;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			size_t a = ov[0], b = ov[1];
			if (b < a)
				b = a; /* \K in a lookahead: treat as empty */
			sb_add(&next, cur.buf + pos, a - pos);
			sb_adds(&next, "[masked]");
			pos = b > a ? b : b + 1;
			if (b == a && a < cur.len)
				sb_addc(&next, cur.buf[a]);
		}
		if (pos < cur.len)
			sb_add(&next, cur.buf + pos, cur.len - pos);
		struct strbuf t = cur;
		cur = next;
		next = t;
	}
	pcre2_match_data_free(md);
	render_escape_term(out, sb_str(&cur), cur.len);
	sb_free(&cur);
	sb_free(&next);
}

void render_value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	if (field >= 0 && rs->fields[field].secret)
		render_shape(out, s, n);
	else
		render_text_value(out, rs, s, n);
}

/* A field with no value, in words: {source_ip} -> "the source IP". */
static void field_words(struct strbuf *out, const char *name)
{
	static const char *const acronyms[] = {"ip", "url", "id", "api", "tls", "http", "uri"};
	sb_adds(out, "the");
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "_");
		int upper = 0;
		for (size_t i = 0; i < sizeof acronyms / sizeof acronyms[0]; i++)
			upper |= strlen(acronyms[i]) == n && strncmp(p, acronyms[i], n) == 0;
		sb_addc(out, ' ');
		for (size_t i = 0; i < n; i++)
			sb_addc(out,
				upper && p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 32) : p[i]);
		p += n;
		if (*p == '_')
			p++;
	}
}

/* The most frequent value of a tracked field, with "(+N more)". */
static void top_value(struct strbuf *out, const struct ruleset *rs, int field,
		      const struct tally *t)
{
	const struct tally_entry *e[1];
	if (!t || tally_top(t, e, 1) == 0 || e[0]->n == 0) {
		field_words(out, rs->fields[field].name);
		return;
	}
	render_value(out, rs, field, e[0]->s, e[0]->n);
	size_t others = t->count - 1 + (t->untracked ? 1 : 0);
	if (others)
		sb_printf(out, " (+%zu more)", others);
}

void render_expand(struct strbuf *out, const struct run *r, const struct finding *fi,
		   const char *tmpl)
{
	const struct ruleset *rs = r->rs;
	char ts[32];
	for (const char *p = tmpl; *p; p++) {
		if (*p != '{') {
			sb_addc(out, *p);
			continue;
		}
		if (p[1] == '{') {
			sb_addc(out, '{');
			p++;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end) {
			sb_adds(out, p);
			return;
		}
		char name[64];
		size_t n = (size_t)(end - p - 1);
		snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
		int f = rules_field(rs, name);
		const struct tally *ft = f >= 0 && fi ? fi->tally[f] : NULL;
		const struct tally_entry *e1[1];
		int empty = f >= 0 && (!ft || tally_top(ft, e1, 1) == 0 || e1[0]->n == 0);
		if (empty && out->len >= 2 && memcmp(out->buf + out->len - 2, " (", 2) == 0 &&
		    end[1] == ')') {
			/* "title ({field})" with no value: drop the aside. */
			out->len -= 2;
			out->buf[out->len] = '\0';
			end++; /* past the ')' */
		} else if (f >= 0) {
			top_value(out, rs, f, ft);
		} else if (strcmp(name, "count") == 0) {
			if (fi)
				render_count(out, fi->count);
			else
				sb_adds(out, "the number of failures");
		} else if (strcmp(name, "first_seen") == 0 || strcmp(name, "last_seen") == 0) {
			int64_t t = !fi ? EVENT_NO_TIME : name[0] == 'f' ? fi->first : fi->last;
			if (t == EVENT_NO_TIME) {
				sb_adds(out, "an unknown time");
			} else {
				time_format_short(t, ts);
				sb_adds(out, ts);
			}
		} else {
			sb_add(out, p, n + 2);
		}
		p = end;
	}
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a;
	const struct group *y = *(const struct group *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	int c = strcmp(x->user, y->user);
	return c ? c : strcmp(x->application, y->application);
}

size_t render_groups(const struct finding *fi, const struct group ***out)
{
	const struct group **v = xmalloc((fi->ngroups ? fi->ngroups : 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < fi->gcap; i++)
		if (fi->groups[i].user)
			v[n++] = &fi->groups[i];
	qsort(v, n, sizeof *v, cmp_group);
	*out = v;
	return n;
}

static void who(struct strbuf *out, const struct ruleset *rs, const struct group *g)
{
	size_t un = strlen(g->user), an = strlen(g->application);
	if (un)
		render_text_value(out, rs, g->user, un);
	else
		sb_adds(out, "(no user named)");
	if (an) {
		sb_adds(out, " via ");
		render_text_value(out, rs, g->application, an);
	}
}

static void top_ips(struct strbuf *out, const struct ruleset *rs, const struct group *g)
{
	const struct tally_entry *e[3];
	size_t n = tally_top(&g->ips, e, 3);
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i]->n == 0)
			continue;
		sb_adds(out, shown ? ", " : " from ");
		render_text_value(out, rs, e[i]->s, e[i]->n);
		shown++;
	}
	if (shown && g->ips.count > shown)
		sb_printf(out, " and %zu more", g->ips.count - shown);
}

void render_story(struct strbuf *out, const struct run *r, const struct group *g)
{
	const struct success *s = findings_success(&r->f, g->user, g->application);
	char a[32], b[32];

	who(out, r->rs, g);
	if (s && s->last != EVENT_NO_TIME && g->first != EVENT_NO_TIME && s->last < g->first) {
		time_format_short(s->last, a);
		sb_printf(out, " logged in fine until %s; since then ", a);
		render_count(out, g->count);
		sb_adds(out, g->count == 1 ? " failure" : " failures");
		top_ips(out, r->rs, g);
		sb_addc(out, '.');
		return;
	}
	sb_adds(out, ": ");
	render_count(out, g->count);
	sb_adds(out, g->count == 1 ? " failure" : " failures");
	top_ips(out, r->rs, g);
	if (g->first != EVENT_NO_TIME) {
		time_format_short(g->first, a);
		time_format_short(g->last, b);
		if (g->first == g->last)
			sb_printf(out, " at %s", a);
		else
			sb_printf(out, " between %s and %s", a, b);
	}
	if (!s && r->f.succ_untracked) {
		sb_adds(out, "; no success recorded, but successes of some pairs were not tracked "
			     "(SFDIAG_MAX_SUCCESS_PAIRS).");
	} else if (!s) {
		sb_adds(out, "; no successful login in this data.");
	} else if (s->first != EVENT_NO_TIME && g->last != EVENT_NO_TIME && s->first > g->last) {
		time_format_short(s->first, a);
		sb_printf(out, "; it logged in successfully again from %s.", a);
	} else if (s->last != EVENT_NO_TIME) {
		time_format_short(s->last, a);
		sb_adds(out, "; mixed with ");
		render_count(out, s->count);
		sb_printf(out, " successful login%s (last at %s).", s->count == 1 ? "" : "s", a);
	} else {
		sb_adds(out, "; mixed with ");
		render_count(out, s->count);
		sb_printf(out, " successful login%s.", s->count == 1 ? "" : "s");
	}
}

void render_severity_counts(const struct run *r, size_t counts[3])
{
	counts[0] = counts[1] = counts[2] = 0;
	for (size_t i = 0; i <= r->rs->nrules; i++) {
		const struct finding *fi = r->f.by_rule[i];
		if (fi && fi->explained_by < 0)
			counts[finding_severity(&r->f, fi)]++;
	}
}

size_t render_columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

void render_wrap(struct strbuf *out, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	int line_start = 1;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t wc = render_columns(p, (size_t)(e - p));
		if (!line_start && col + 1 + wc > width) {
			sb_addc(out, '\n');
			for (size_t i = 0; i < indent; i++)
				sb_addc(out, ' ');
			col = indent;
			line_start = 1;
		}
		if (!line_start) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, p, (size_t)(e - p));
		col += wc;
		line_start = 0;
		p = e;
	}
	sb_addc(out, '\n');
}

void render_summary(struct strbuf *out, const struct run *r)
{
	uint64_t skipped = 0;
	for (size_t i = 0; i < r->ninputs; i++)
		skipped += r->inputs[i].skipped;
	sb_adds(out, "Read ");
	render_count(out, r->ninputs);
	sb_adds(out, r->ninputs == 1 ? " input:" : " inputs:");
	int parts = 0;
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		uint64_t kn = r->f.kind_events[k];
		if (!kn)
			continue;
		sb_adds(out, parts++ ? ", " : " ");
		render_count(out, kn);
		sb_printf(out, " %s", kind_table[k].event[kn != 1]);
		if (k == 0) {
			sb_adds(out, " (");
			render_count(out, r->f.successes);
			sb_adds(out, " succeeded, ");
			render_count(out, r->f.kind_events[0] - r->f.successes);
			sb_adds(out, " failed)");
		}
	}
	if (!parts)
		sb_adds(out, " nothing to diagnose");
	if (skipped) {
		sb_adds(out, ", ");
		render_count(out, skipped);
		sb_adds(out, " records skipped");
	}
	if (r->f.first != EVENT_NO_TIME) {
		char a[32], b[32];
		time_format_short(r->f.first, a);
		time_format_short(r->f.last, b);
		sb_printf(out, "; %s to %s", a, b);
	}
	sb_addc(out, '.');
}

int render_coverage_gap(struct strbuf *out, const struct run *r, const struct finding *fi)
{
	const struct findings *f = &r->f;
	const int64_t w = SFDIAG_CORRELATE_WINDOW_MS;
	if (fi->rule < 0 || fi->explained_by >= 0 || fi->first == EVENT_NO_TIME ||
	    f->login_first == EVENT_NO_TIME)
		return 0;
	const struct rule *rule = &r->rs->rules[fi->rule];
	if (rule->kinds & KIND_LOGIN_HISTORY)
		return 0;
	/* Only when a possible cause is something Login History records. */
	int in_history = 0;
	for (size_t k = 0; k < rule->ncandidates && !in_history; k++)
		in_history = (r->rs->rules[rule->candidates[k]].kinds & KIND_LOGIN_HISTORY) != 0;
	if (!in_history)
		return 0;
	const char *where;
	if (fi->first > f->login_last + w)
		where = "after its last row";
	else if (fi->last < f->login_first - w)
		where = "before its first row";
	else if (fi->first < f->login_first - w || fi->last > f->login_last + w)
		where = "partly outside it";
	else
		return 0;
	char lf[32], ll[32], ff[32], fl[32];
	time_format_short(f->login_first, lf);
	time_format_short(f->login_last, ll);
	time_format_short(fi->first, ff);
	time_format_short(fi->last, fl);
	int one = fi->count == 1;
	sb_printf(out, "The Login History in this ticket runs from %s to %s, but the %s here %s ",
		  lf, ll, render_noun(r->rs, fi->rule, !one), one ? "is" : "are");
	if (fi->first == fi->last)
		sb_printf(out, "at %s", ff);
	else
		sb_printf(out, "from %s to %s", ff, fl);
	sb_printf(
	    out,
	    ", %s, so it cannot show the status Salesforce recorded for %s. Export Login "
	    "History again for that time (Setup, Quick Find: Login History) and add it to the "
	    "ticket.",
	    where, one ? "it" : "them");
	return 1;
}

const char *render_noun(const struct ruleset *rs, int rule, int plural)
{
	const struct kind_def *k = kind_first(rule >= 0 ? rs->rules[rule].kinds : 0);
	if (k)
		return k->failure[plural != 0];
	return plural ? "failures" : "failure";
}

size_t render_tally_list(struct strbuf *out, const struct ruleset *rs, int field,
			 const struct tally *t, size_t max, render_value_fn value)
{
	const struct tally_entry *e[20];
	if (max > 20)
		max = 20;
	size_t n = t ? tally_top(t, e, max) : 0, shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (e[i]->n == 0)
			continue;
		if (shown++)
			sb_adds(out, ", ");
		value(out, rs, field, e[i]->s, e[i]->n);
		sb_adds(out, " (");
		render_count(out, e[i]->count);
		sb_addc(out, ')');
	}
	size_t more = shown ? t->count - n + (t->untracked ? 1 : 0) : 0;
	if (more)
		sb_printf(out, ", +%zu more", more);
	return shown;
}

void render_read_as(struct strbuf *out, const struct input_summary *in)
{
	if (!in->kind) {
		sb_adds(out, "not read");
		return;
	}
	sb_adds(out, strcmp(in->kind, "login-history") == 0 ? "login-history export" : in->kind);
	if (in->gzip)
		sb_adds(out, ", gzip");
	if (in->encoding == INPUT_UTF16LE || in->encoding == INPUT_UTF16BE)
		sb_adds(out, ", UTF-16");
	else if (in->encoding == INPUT_CP1252)
		sb_adds(out, ", windows-1252");
	/* Named, not quoted: a '|' would break a Markdown table. */
	if (in->delim == '\t')
		sb_adds(out, ", TAB-delimited");
	else if (in->delim == ';')
		sb_adds(out, ", semicolon-delimited");
	else if (in->delim == '|')
		sb_adds(out, ", pipe-delimited");
}
