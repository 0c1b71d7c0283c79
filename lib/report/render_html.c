/*
 * render_html.c - the report as one self-contained HTML5 page: inline CSS,
 * an inline SVG timeline, no script and no fetches (a Content-Security-Policy
 * forbids both), so it opens offline and can be attached to a ticket.
 *
 * Every value from input is masked and escaped for a terminal first
 * (render_value, render_text_value), then HTML-escaped (& < > " ').  Input
 * files are named by their base name only.  The timeline stacks, per hour
 * or per day, the successful logins under each cause's failures, from the
 * buckets that findings.c keeps (struct timeline_axis).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"

#define HOUR_MS	    INT64_C(3600000)
#define DAY_MS	    (24 * HOUR_MS)
#define TOP_N	    5	/* values listed per top-users/apps/IPs table */
#define MAX_SERIES  8	/* failure series in the chart; the rest is "other" */
#define MIN_BARS    12	/* a chart of a short span still has this many slots */
#define HOURLY_SPAN 168 /* hours shown hour by hour; longer spans by day */

#ifdef SFDIAG_TIMELINE_BUCKETS
static const char *const palette[MAX_SERIES + 1] = {
    "#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#ad1457",
    "#00838f", "#5d4037", "#9e9d24", "#757575", /* last: other */
};
#define SUCCESS_COLOR "#66bb6a"
#endif

/* Append s with the five HTML specials as entities. */
static void html_text(struct strbuf *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_adds(o, "&amp;");
			break;
		case '<':
			sb_adds(o, "&lt;");
			break;
		case '>':
			sb_adds(o, "&gt;");
			break;
		case '"':
			sb_adds(o, "&quot;");
			break;
		case '\'':
			sb_adds(o, "&#39;");
			break;
		default:
			sb_addc(o, *s);
		}
	}
}

/* A field's value from input: masked (or its shape), then HTML-escaped. */
static void html_value(struct strbuf *o, const struct ruleset *rs, int field, const char *s,
		       size_t n)
{
	struct strbuf b = {0};
	render_value(&b, rs, field, s, n);
	html_text(o, sb_str(&b));
	sb_free(&b);
}

/* A rule text with its placeholders filled (values masked), escaped. */
static void html_expand(struct strbuf *o, const struct run *r, const struct finding *fi,
			const char *tmpl)
{
	struct strbuf b = {0};
	render_expand(&b, r, fi, tmpl);
	html_text(o, sb_str(&b));
	sb_free(&b);
}

/* The customer's own file name, without the directories it was read from. */
static void html_file(struct strbuf *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *b = slash && slash[1] ? slash + 1 : path;
	struct strbuf t = {0};
	render_escape_term(&t, b, strlen(b));
	html_text(o, sb_str(&t));
	sb_free(&t);
}

static const char *sev_class(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

static const char *sev_word(enum severity s)
{
	return s == SEV_ERROR ? "Error" : s == SEV_WARNING ? "Warning" : "Info";
}

static const char *const css =
    ":root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;"
    "--error:#c62828;--warning:#b26a00;--info:#0b6bcb}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--soft);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'DejaVu Sans',sans-serif;overflow-wrap:break-word}\n"
    "main{max-width:1040px;margin:0 auto;padding:24px}\n"
    "h1{font-size:1.5em;margin:0 0 .25em}h2{font-size:1.2em;margin:0 0 .5em}"
    "h3{font-size:1em;margin:1.2em 0 .4em}\n"
    "section,header{background:var(--bg);border:1px solid var(--line);border-radius:8px;"
    "padding:16px 20px;margin:0 0 16px}\n"
    ".verdict{font-size:1.15em;font-weight:600;margin:.25em 0}\n"
    ".verdict.error{color:var(--error)}.verdict.warning{color:var(--warning)}"
    ".verdict.ok{color:#2e7d32}\n"
    ".muted,.rule{color:var(--muted)}\n"
    ".finding{border-left:6px solid var(--info)}\n"
    ".finding.error{border-left-color:var(--error)}"
    ".finding.warning{border-left-color:var(--warning)}\n"
    ".gap{border-left:3px solid var(--warning);padding-left:.6em}\n"
    ".badge{display:inline-block;font-size:.75em;font-weight:700;text-transform:uppercase;"
    "letter-spacing:.04em;color:#fff;background:var(--info);border-radius:4px;padding:1px 7px;"
    "margin-right:.5em;vertical-align:2px}\n"
    ".error .badge{background:var(--error)}.warning .badge{background:var(--warning)}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
    "th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid "
    "var(--line)}\n"
    "th{font-weight:600;color:var(--muted)}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".facts th{width:9em;white-space:nowrap}\n"
    ".tops table{table-layout:fixed}.tops .n{width:5em}.tops td{overflow-wrap:anywhere}\n"
    ".tops{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:0 16px}\n"
    "ol,ul{padding-left:1.6em}li{margin:.25em 0}\n"
    "code{font:.9em ui-monospace,'DejaVu Sans Mono',monospace;background:var(--soft);"
    "padding:0 3px;border-radius:3px}\n"
    ".plot{overflow-x:auto}.chart svg{display:block;width:100%;height:auto}\n"
    ".legend{list-style:none;padding:0;margin:.5em 0 0;display:flex;flex-wrap:wrap;"
    "gap:4px 18px;font-size:.9em}\n"
    ".legend li{margin:0}.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;"
    "margin-right:.4em;vertical-align:-1px}\n"
    ".sw,.badge,rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".notes li.error{color:var(--error)}.notes li.warning{color:var(--warning)}\n"
    "footer{color:var(--muted);font-size:.85em;text-align:center;padding:8px}\n"
    "@media (max-width:700px){main{padding:8px}section,header{padding:12px}"
    ".facts th{width:auto}body{font-size:14px}.chart svg{min-width:600px}}\n"
    "@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}"
    "section,header{border:none;border-top:1px solid #999;border-radius:0;padding:8px 0;"
    "margin:0 0 8px}.finding{border-left:none;break-inside:auto}"
    "h2,h3,.chart{break-after:avoid;break-inside:avoid}a{color:inherit}"
    "a[href^=\"http\"]::after{content:\" <\" attr(href) \">\";font-size:.8em;"
    "color:var(--muted)}footer{display:none}}\n";

/* ---- timeline ---- */

#ifdef SFDIAG_TIMELINE_BUCKETS /* findings.h keeps per-bucket counts */

struct series {
	const char *label; /* rule id, "successful logins" or "other causes" */
	const char *color;
	uint64_t *v; /* per display bar */
	uint64_t total;
};

struct chart {
	int64_t bar_ms; /* one bar: an hour or a day (or the axis width) */
	int64_t start;	/* bucket index, in bars, of bar 0 */
	size_t nbars;
	struct series s[MAX_SERIES + 2];
	size_t ns;
};

/* Add a findings series (on f's axis) into a chart series. */
static void chart_add(struct chart *c, const struct findings *f, const uint64_t *v,
		      struct series *s)
{
	const struct timeline_axis *ax = &f->axis;
	for (size_t i = 0; i < SFDIAG_TIMELINE_BUCKETS; i++) {
		if (!v[i])
			continue;
		int64_t t = (ax->origin + (int64_t)i) * ax->width_ms;
		int64_t bar = t / c->bar_ms - c->start; /* times are after 1970 */
		if (bar >= 0 && (size_t)bar < c->nbars) {
			s->v[bar] += v[i];
			s->total += v[i];
		}
	}
}

static struct series *chart_series(struct chart *c, const char *label, const char *color)
{
	struct series *s = &c->s[c->ns++];
	s->label = label;
	s->color = color;
	s->v = xcalloc(c->nbars, sizeof *s->v);
	s->total = 0;
	return s;
}

/* Successes first, then each reported finding (with the findings it
 * explains), in report order; returns 0 when nothing had a time. */
static int chart_build(struct chart *c, const struct run *r, const struct finding **v, size_t n)
{
	const struct findings *f = &r->f;
	const struct timeline_axis *ax = &f->axis;
	memset(c, 0, sizeof *c);
	if (ax->width_ms == 0 || ax->lo * ax->width_ms < 0)
		return 0;
	c->bar_ms = ax->width_ms;
	if (c->bar_ms == HOUR_MS && ax->hi - ax->lo + 1 > HOURLY_SPAN)
		c->bar_ms = DAY_MS;
	c->start = ax->lo * ax->width_ms / c->bar_ms;
	int64_t end = ax->hi * ax->width_ms / c->bar_ms;
	c->nbars = (size_t)(end - c->start + 1);
	if (c->nbars < MIN_BARS) {
		size_t pad = MIN_BARS - c->nbars;
		c->start -= (int64_t)(pad / 2);
		c->nbars = MIN_BARS;
	}
	chart_add(c, f, f->succ_timeline, chart_series(c, "successful logins", SUCCESS_COLOR));
	struct series *other = NULL;
	for (size_t i = 0; i < n; i++) {
		struct series *s;
		if (i < MAX_SERIES) {
			s = chart_series(c, finding_id(f, v[i]), palette[i]);
		} else {
			if (!other)
				other = chart_series(c, "other causes", palette[MAX_SERIES]);
			s = other;
		}
		chart_add(c, f, v[i]->timeline, s);
		for (size_t k = 0; v[i]->rule >= 0 && k < r->rs->nrules; k++) {
			const struct finding *x = f->by_rule[k];
			if (x && x->explained_by == v[i]->rule)
				chart_add(c, f, x->timeline, s);
		}
	}
	return 1;
}

static void chart_free(struct chart *c)
{
	for (size_t i = 0; i < c->ns; i++)
		free(c->s[i].v);
}

/* Label of bar b: "11-03 14:00" by the hour, "2026-11-03" by the day. */
static void bar_label(const struct chart *c, size_t b, char out[32], int full)
{
	char t[32];
	time_format_short((c->start + (int64_t)b) * c->bar_ms, t); /* "2026-11-03 14:00 UTC" */
	if (c->bar_ms < DAY_MS && full)
		snprintf(out, 32, "%.16s UTC", t);
	else if (c->bar_ms < DAY_MS)
		snprintf(out, 32, "%.5s %.5s", t + 5, t + 11);
	else
		snprintf(out, 32, "%.10s", t);
}

/* 1, 2 or 5 times a power of ten, at least x. */
static uint64_t nice_ceil(uint64_t x)
{
	uint64_t p = 1;
	for (;;) {
		if (x <= p)
			return p;
		if (x <= 2 * p)
			return 2 * p;
		if (x <= 5 * p)
			return 5 * p;
		p *= 10;
	}
}

#define CW 960.0 /* viewBox width */
#define CH 300.0 /* viewBox height */
#define PL 56.0	 /* plot left */
#define PR 12.0	 /* right margin */
#define PT 28.0	 /* plot top */
#define PB 40.0	 /* bottom margin (x labels) */

static void timeline(struct strbuf *o, const struct run *r, const struct finding **v, size_t n)
{
	struct chart c;
	if (!chart_build(&c, r, v, n))
		return;
	uint64_t max = 1;
	for (size_t b = 0; b < c.nbars; b++) {
		uint64_t sum = 0;
		for (size_t i = 0; i < c.ns; i++)
			sum += c.s[i].v[b];
		if (sum > max)
			max = sum;
	}
	uint64_t top = 4 * nice_ceil((max + 3) / 4); /* four even steps */
	double pw = CW - PL - PR, ph = CH - PT - PB, bw = pw / (double)c.nbars;
	double gap = bw >= 4 ? 1 : 0;
	const char *per = c.bar_ms == HOUR_MS ? "hour" : c.bar_ms == DAY_MS ? "day" : NULL;

	sb_adds(o, "<section class=\"chart\">\n<h2>Logins over time</h2>\n<p class=\"muted\">");
	if (per)
		sb_printf(o, "Per %s (UTC): ", per);
	else
		sb_printf(o, "Per %lld days (UTC): ", (long long)(c.bar_ms / DAY_MS));
	sb_adds(o, "successful logins at the bottom of each bar, failures by cause above them.");
	if (r->f.untimed) {
		sb_adds(o, " ");
		render_count(o, r->f.untimed);
		sb_adds(o, r->f.untimed == 1 ? " event without a readable time is not shown."
					     : " events without a readable time are not shown.");
	}
	sb_adds(o, "</p>\n");
	sb_printf(o,
		  "<div class=\"plot\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		  "aria-labelledby=\"tl-title\" xmlns=\"http://www.w3.org/2000/svg\" "
		  "font-family=\"system-ui,'DejaVu Sans',sans-serif\" font-size=\"12\">\n"
		  "<title id=\"tl-title\">",
		  CW, CH);
	sb_printf(o, "Logins per %s: successes and failures by cause</title>\n", per ? per : "bar");
	/* Grid and y axis: 0, 1/4 .. top. */
	for (int k = 0; k <= 4; k++) {
		double y = PT + ph - ph * k / 4.0;
		char num[32];
		struct strbuf lab = {0};
		render_count(&lab, top * (uint64_t)k / 4);
		snprintf(num, sizeof num, "%s", sb_str(&lab));
		sb_free(&lab);
		sb_printf(
		    o,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#57606a\">%s</text>\n",
		    PL, y, CW - PR, y, k ? "#e3e7eb" : "#8c959f", PL - 6, y + 4, num);
	}
	/* Bars: stacked in series order, each segment with a tooltip. */
	for (size_t b = 0; b < c.nbars; b++) {
		double x = PL + bw * (double)b, y = PT + ph;
		char lab[32];
		bar_label(&c, b, lab, 1);
		for (size_t i = 0; i < c.ns; i++) {
			uint64_t k = c.s[i].v[b];
			if (!k)
				continue;
			double h = ph * (double)k / (double)top;
			y -= h;
			sb_printf(o,
				  "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
				  "fill=\"%s\"><title>%s: ",
				  x + gap / 2, y, bw - gap, h, c.s[i].color, lab);
			render_count(o, k);
			sb_printf(o, " %s</title></rect>\n", c.s[i].label);
		}
	}
	/* X labels: about six, at bar starts. */
	size_t step = (c.nbars + 5) / 6;
	for (size_t b = 0; b < c.nbars; b += step) {
		char lab[32];
		bar_label(&c, b, lab, 0);
		double x = PL + bw * (double)b;
		if (x + 7.0 * (double)strlen(lab) > CW)
			break; /* would be cut off at the right edge */
		sb_printf(
		    o,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#8c959f\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" fill=\"#57606a\">%s</text>\n",
		    x, PT + ph, x, PT + ph + 5, x + 2, PT + ph + 20, lab);
	}
	/* When things broke: the first failure of the top finding. */
	if (n && v[0]->first != EVENT_NO_TIME) {
		double span = (double)c.bar_ms * (double)c.nbars;
		double x = PL + pw * (double)(v[0]->first - c.start * c.bar_ms) / span;
		char t[32];
		time_format_short(v[0]->first, t);
		int right = x > PL + pw * 0.6;
		sb_printf(o,
			  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			  "stroke-width=\"2\" stroke-dasharray=\"5 4\"/>"
			  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\" "
			  "font-weight=\"600\">first %s: %s</text>\n",
			  x, PT - 6, x, PT + ph, palette[0], right ? x - 4 : x + 4, PT - 10,
			  right ? "end" : "start", palette[0], finding_id(&r->f, v[0]), t);
	}
	sb_adds(o, "</svg></div>\n<ul class=\"legend\">\n");
	for (size_t i = 0; i < c.ns; i++) {
		sb_printf(o, "<li><span class=\"sw\" style=\"background:%s\"></span>%s (",
			  c.s[i].color, c.s[i].label);
		render_count(o, c.s[i].total);
		/* A cause's bar also counts the responses it explains. */
		sb_adds(o, c.s[i].total == 1 ? " event)</li>\n" : " events)</li>\n");
	}
	sb_adds(o, "</ul>\n</section>\n");
	chart_free(&c);
}
#else
static void timeline(struct strbuf *o, const struct run *r, const struct finding **v, size_t n)
{
	(void)o, (void)r, (void)v, (void)n;
}
#endif

/* ---- findings ---- */

/* A small table: the top values of a tally, with "+N more". */
static void top_table(struct strbuf *o, const struct ruleset *rs, const char *head, int field,
		      const struct tally *t)
{
	const struct tally_entry *e[TOP_N];
	size_t n = t ? tally_top(t, e, TOP_N) : 0, shown = 0;
	for (size_t i = 0; i < n; i++)
		shown += e[i]->n != 0;
	if (!shown)
		return;
	sb_printf(o,
		  "<table><thead><tr><th>%s</th><th class=\"n\">Count</th></tr></thead><tbody>\n",
		  head);
	for (size_t i = 0; i < n; i++) {
		if (e[i]->n == 0)
			continue;
		sb_adds(o, "<tr><td>");
		html_value(o, rs, field, e[i]->s, e[i]->n);
		sb_adds(o, "</td><td class=\"n\">");
		render_count(o, e[i]->count);
		sb_adds(o, "</td></tr>\n");
	}
	size_t more = t->count - n + (t->untracked ? 1 : 0);
	if (more) {
		uint64_t rest = t->total;
		for (size_t i = 0; i < n; i++)
			rest -= e[i]->count;
		sb_printf(o, "<tr><td class=\"muted\">%zu more</td><td class=\"n\">", more);
		render_count(o, rest);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody></table>\n");
}

/* "a (3), b (1), +2 more" for one row of the facts table. */
static void fact_tally(struct strbuf *o, const struct ruleset *rs, const char *label, int field,
		       const struct tally *t)
{
	struct strbuf s = {0};
	if (render_tally_list(&s, rs, field, t, TOP_N, html_value))
		sb_printf(o, "<tr><th>%s</th><td>%s</td></tr>\n", label, sb_str(&s));
	sb_free(&s);
}

static const struct tally *field_tally(const struct finding *fi, int field)
{
	return field >= 0 ? fi->tally[field] : NULL;
}

static void rows(struct strbuf *o, const struct finding *fi)
{
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(o, ", ");
		sb_adds(o, "<code>");
		html_file(o, fi->ex[i].file);
		sb_printf(o, ":%ld</code>", fi->ex[i].line);
	}
}

static void facts(struct strbuf *o, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	const char *what = render_noun(rs, fi->rule, fi->count != 1);
	char a[32];
	sb_printf(o, "<table class=\"facts\"><tbody>\n<tr><th>%c%s</th><td>",
		  what[0] >= 'a' && what[0] <= 'z' ? what[0] - 32 : what[0], what + 1);
	render_count(o, fi->count);
	if (fi->untimed && fi->untimed != fi->count)
		sb_printf(o, " (%llu without a readable time)", (unsigned long long)fi->untimed);
	sb_adds(o, "</td></tr>\n");
	if (fi->first != EVENT_NO_TIME) {
		time_format_short(fi->first, a);
		sb_printf(o, "<tr><th>First seen</th><td>%s</td></tr>\n", a);
		time_format_short(fi->last, a);
		sb_printf(o, "<tr><th>Last seen</th><td>%s</td></tr>\n", a);
	}
	fact_tally(o, rs, "Said", -1, &fi->said);
	fact_tally(o, rs, "Status", rs->f.status, field_tally(fi, rs->f.status));
	int host = rs->f.host, client = rs->f.client;
	fact_tally(o, rs, "Hosts", host, field_tally(fi, host));
	fact_tally(o, rs, "Clients", client, field_tally(fi, client));
	if (fi->nex) {
		sb_adds(o, "<tr><th>Example rows</th><td>");
		rows(o, fi);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody></table>\n<div class=\"tops\">\n");
	top_table(o, rs, "Top users", rs->f.user, field_tally(fi, rs->f.user));
	top_table(o, rs, "Top apps", rs->f.application, field_tally(fi, rs->f.application));
	top_table(o, rs, "Top source IPs", rs->f.source_ip, field_tally(fi, rs->f.source_ip));
	sb_adds(o, "</div>\n");
}

static void stories(struct strbuf *o, const struct run *r, const struct finding *fi,
		    const struct rule *rule)
{
	const struct group **g;
	size_t ng = render_groups(fi, &g);
	int named = 0;
	for (size_t i = 0; rule && (rule->kinds & KIND_LOGIN_HISTORY) && i < ng; i++)
		named |= g[i]->user[0] || g[i]->application[0];
	if (named) {
		struct strbuf s = {0};
		sb_adds(o, "<h3>Who is affected</h3>\n<ul>\n");
		for (size_t i = 0; i < ng && i < TOP_N; i++) {
			sb_reset(&s);
			render_story(&s, r, g[i]);
			sb_adds(o, "<li>");
			html_text(o, sb_str(&s));
			sb_adds(o, "</li>\n");
		}
		if (ng > TOP_N || fi->ungrouped) {
			sb_printf(o, "<li class=\"muted\">%zu more user/app pairs",
				  ng > TOP_N ? ng - TOP_N : 0);
			if (fi->ungrouped)
				sb_printf(o, "; %llu failures beyond the %d pairs tracked",
					  (unsigned long long)fi->ungrouped, SFDIAG_MAX_GROUPS);
			sb_adds(o, "</li>\n");
		}
		sb_adds(o, "</ul>\n");
		sb_free(&s);
	}
	free(g);
}

static void explained(struct strbuf *o, const struct run *r, const struct finding *fi)
{
	const struct ruleset *rs = r->rs;
	for (size_t i = 0; fi->rule >= 0 && i < rs->nrules; i++) {
		const struct finding *x = r->f.by_rule[i];
		if (!x || fi->rule < 0 || x->explained_by != fi->rule)
			continue;
		sb_adds(o, "<p>Also explains ");
		render_count(o, x->count);
		sb_printf(o, " %s (<code>%s</code>", render_noun(rs, x->rule, x->count != 1),
			  rs->rules[i].id);
		const struct tally_entry *e[1];
		if (tally_top(&x->said, e, 1) == 1) {
			sb_adds(o, ": ");
			html_value(o, rs, -1, e[0]->s, e[0]->n);
		}
		sb_adds(o, ") in ");
		rows(o, x);
		sb_adds(o, ": the same cause.</p>\n");
	}
}

static void candidates(struct strbuf *o, const struct run *r, const struct finding *fi,
		       const struct rule *rule)
{
	if (!rule->ncandidates)
		return;
	sb_adds(
	    o,
	    rule->ncandidates == 1
		? "<h3>Same cause as</h3>\n<p class=\"muted\">No other evidence of it here.</p>\n"
		: "<h3>Possible causes, most likely first</h3>\n<p class=\"muted\">Nothing else "
		  "in this data narrows it.</p>\n");
	sb_adds(o, "<ol>\n");
	for (size_t k = 0; k < rule->ncandidates; k++) {
		const struct rule *c = &r->rs->rules[rule->candidates[k]];
		sb_printf(o, "<li><code>%s</code>: ", c->id);
		html_expand(o, r, fi, c->title);
		sb_adds(o, "</li>\n");
	}
	sb_adds(o, "</ol>\n");
	if (rule->ntell) {
		sb_adds(o, "<h3>How to tell them apart</h3>\n<ul>\n");
		for (size_t k = 0; k < rule->ntell; k++) {
			sb_adds(o, "<li>");
			html_expand(o, r, fi, rule->tell[k]);
			sb_adds(o, "</li>\n");
		}
		sb_adds(o, "</ul>\n");
	}
}

/* "URL (comment)" as a link; any other reference as text. */
static void reference(struct strbuf *o, const char *ref)
{
	sb_adds(o, "<li>");
	if (strncmp(ref, "https://", 8) && strncmp(ref, "http://", 7)) {
		html_text(o, ref);
		sb_adds(o, "</li>\n");
		return;
	}
	size_t ul = strcspn(ref, " \t");
	const char *rest = ref + ul;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	struct strbuf url = {0}, label = {0};
	sb_add(&url, ref, ul);
	if (*rest == '(' && rest[strlen(rest) - 1] == ')')
		sb_add(&label, rest + 1, strlen(rest) - 2);
	else
		sb_adds(&label, *rest ? rest : sb_str(&url));
	sb_adds(o, "<a href=\"");
	html_text(o, sb_str(&url));
	sb_adds(o, "\" rel=\"noreferrer\">");
	html_text(o, sb_str(&label));
	sb_adds(o, "</a></li>\n");
	sb_free(&url);
	sb_free(&label);
}

static void finding(struct strbuf *o, const struct run *r, const struct finding *fi, size_t num)
{
	const struct ruleset *rs = r->rs;
	const struct rule *rule = fi->rule >= 0 ? &rs->rules[fi->rule] : NULL;
	enum severity sev = finding_severity(&r->f, fi);

	sb_printf(o,
		  "<section class=\"finding %s\" id=\"finding-%zu\">\n<h2><span class=\"badge\">%s"
		  "</span>",
		  sev_class(sev), num, sev_word(sev));
	if (rule)
		html_expand(o, r, fi, rule->title);
	else
		html_text(o, finding_title(&r->f, fi));
	sb_printf(o, "</h2>\n<p class=\"rule\">Rule <code>%s</code></p>\n", finding_id(&r->f, fi));
	if (rule && rule->cause) {
		sb_adds(o, "<p><strong>What is wrong:</strong> ");
		html_expand(o, r, fi, rule->cause);
		sb_adds(o, "</p>\n");
	}
	facts(o, r, fi);
	stories(o, r, fi, rule);
	explained(o, r, fi);
	if (rule && fi->explained_by < 0)
		candidates(o, r, fi, rule);
	struct strbuf gap = {0};
	if (render_coverage_gap(&gap, r, fi)) {
		sb_adds(o, "<p class=\"gap\"><strong>Gap in the evidence:</strong> ");
		html_text(o, sb_str(&gap));
		sb_adds(o, "</p>\n");
	}
	sb_free(&gap);
	sb_adds(o, "<h3>Fix</h3>\n");
	if (rule) {
		sb_adds(o, "<ol>\n");
		for (size_t i = 0; i < rule->nfix; i++) {
			sb_adds(o, "<li>");
			html_expand(o, r, fi, rule->fix[i]);
			sb_adds(o, "</li>\n");
		}
		sb_adds(o, "</ol>\n");
	} else {
		sb_adds(
		    o,
		    "<p>No rule knows these failures. Look the status or error texts above up in "
		    "the Salesforce Help.</p>\n");
	}
	if (rule && rule->nrefs) {
		sb_adds(o, "<h3>References</h3>\n<ul>\n");
		for (size_t i = 0; i < rule->nrefs; i++)
			reference(o, rule->refs[i]);
		sb_adds(o, "</ul>\n");
	}
	sb_adds(o, "</section>\n");
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_ERROR ? "error" : l == NOTE_WARNING ? "warning" : "note";
}

static void inputs(struct strbuf *o, const struct run *r)
{
	uint64_t skipped = 0;
	for (size_t i = 0; i < r->ninputs; i++)
		skipped += r->inputs[i].skipped;
	sb_adds(o, "<section class=\"inputs\">\n<h2>Inputs</h2>\n<p class=\"muted\">");
	if (skipped) {
		render_count(o, skipped);
		sb_adds(o, skipped == 1 ? " record was" : " records were");
		sb_adds(o, " skipped; the notes below say where and why.");
	} else {
		sb_adds(o, "No records were skipped.");
	}
	sb_adds(o, "</p>\n<table><thead><tr><th>File</th><th>Read as</th><th class=\"n\">Records"
		   "</th><th class=\"n\">Skipped</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct input_summary *in = &r->inputs[i];
		sb_adds(o, "<tr><td>");
		html_file(o, in->file);
		sb_adds(o, "</td><td>");
		render_read_as(o, in); /* constant text: nothing to escape */
		if (in->kind && in->failed)
			sb_adds(o, " (not read to the end)");
		sb_adds(o, "</td><td class=\"n\">");
		render_count(o, in->records);
		sb_adds(o, "</td><td class=\"n\">");
		render_count(o, in->skipped);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody></table>\n");
	if (r->nnotes || r->notes_dropped) {
		sb_adds(o, "<ul class=\"notes\">\n");
		for (size_t i = 0; i < r->nnotes; i++) {
			const struct note *n = &r->notes[i];
			sb_printf(o, "<li class=\"%s\">%s: ", level_name(n->level),
				  level_name(n->level));
			if (n->file) {
				sb_adds(o, "<code>");
				html_file(o, n->file);
				if (n->line)
					sb_printf(o, ":%ld", n->line);
				sb_adds(o, "</code>: ");
			}
			html_value(o, r->rs, -1, n->msg, strlen(n->msg));
			sb_adds(o, "</li>\n");
		}
		if (r->notes_dropped)
			sb_printf(o, "<li>%llu more notes not shown (SFDIAG_MAX_NOTES)</li>\n",
				  (unsigned long long)r->notes_dropped);
		sb_adds(o, "</ul>\n");
	}
	sb_adds(o, "</section>\n");
}

static void summary(struct strbuf *o, const struct run *r)
{
	sb_adds(o, "<p class=\"muted\">");
	render_summary(o, r);
	sb_adds(o, "</p>\n");
}

int render_html(FILE *fp, const struct run *r, const struct render_opts *o)
{
	struct strbuf b = {0};
	const struct finding **v;
	size_t n = findings_sorted(&r->f, &v);
	size_t sev[3];
	(void)o;

	render_severity_counts(r, sev);
	struct strbuf verdict = {0};
	if (n == 0)
		sb_adds(&verdict, "No problems found");
	else
		sb_printf(&verdict, "%zu problem%s found (%zu error%s, %zu warning%s, %zu info)", n,
			  n == 1 ? "" : "s", sev[SEV_ERROR], sev[SEV_ERROR] == 1 ? "" : "s",
			  sev[SEV_WARNING], sev[SEV_WARNING] == 1 ? "" : "s", sev[SEV_INFO]);

	sb_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" "
		    "content=\"sfdiag\">\n");
	sb_printf(&b, "<title>sfdiag: %s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
		  sb_str(&verdict), css);
	sb_printf(&b,
		  "<header>\n<h1>Why the Salesforce login fails</h1>\n<p class=\"verdict %s\">%s",
		  n == 0	     ? "ok"
		  : sev[SEV_ERROR]   ? "error"
		  : sev[SEV_WARNING] ? "warning"
				     : "info",
		  sb_str(&verdict));
	if (n) {
		sb_adds(&b, ": ");
		if (v[0]->rule >= 0)
			html_expand(&b, r, v[0], r->rs->rules[v[0]->rule].title);
		else
			html_text(&b, finding_title(&r->f, v[0]));
	}
	sb_adds(&b, "</p>\n");
	sb_free(&verdict);
	summary(&b, r);
	if (n > 1) {
		sb_adds(&b, "<ol>\n");
		for (size_t i = 0; i < n; i++) {
			enum severity s = finding_severity(&r->f, v[i]);
			sb_printf(&b, "<li><a href=\"#finding-%zu\">%s</a>: ", i + 1, sev_word(s));
			if (v[i]->rule >= 0)
				html_expand(&b, r, v[i], r->rs->rules[v[i]->rule].title);
			else
				html_text(&b, finding_title(&r->f, v[i]));
			sb_adds(&b, "</li>\n");
		}
		sb_adds(&b, "</ol>\n");
	}
	sb_adds(&b, "</header>\n");
	timeline(&b, r, v, n);
	for (size_t i = 0; i < n; i++)
		finding(&b, r, v[i], i + 1);
	free(v);
	inputs(&b, r);
	sb_adds(&b, "</main>\n<footer>Made by sfdiag, offline: this page loads nothing from the "
		    "network.</footer>\n</body>\n</html>\n");

	int rc = b.len && fwrite(b.buf, 1, b.len, fp) != b.len ? -1 : 0;
	sb_free(&b);
	return rc;
}
