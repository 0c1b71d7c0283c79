/*
 * render_html.c - the report as one self-contained HTML5 page: inline CSS,
 * an inline SVG timeline, no script and no fetches (a Content-Security-Policy
 * forbids both), so it opens offline and can be attached to a ticket.
 *
 * Every value from input is masked and escaped for a terminal first
 * (value(): render_value), then HTML-escaped (& < > " ').  Input files are
 * named by their base name only.  The timeline stacks, per hour or per day,
 * the successful logins under each cause's failures, from the model's
 * series over the run's time axis (struct timeline_axis), and marks when the
 * first failure began and each Setup change the audit trail holds.  The
 * chart is drawn in a viewBox that scales to the screen: at phone width its
 * text grows in chart units and minor labels drop (CSS), so nothing makes
 * the page scroll sideways; wide tables scroll inside their own box.
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

static const char *const palette[MAX_SERIES + 1] = {
    "#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#ad1457",
    "#00838f", "#5d4037", "#9e9d24", "#757575", /* last: other */
};
#define SUCCESS_COLOR "#66bb6a"
#define CHANGE_COLOR  "#0b6bcb"
#define MAX_BARS      400 /* changes outside a chart this wide are not drawn */

/* Append s with the five HTML specials as entities (render.h). */
void render_html_text(struct strbuf *o, const char *s)
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

static void html_text(struct strbuf *o, const char *s)
{
	render_html_text(o, s);
}

/* The one place input becomes HTML: masked, escaped for a terminal; the
 * text it sits in is then HTML-escaped as a whole (html_text). */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

/* A value from input, HTML-escaped. */
static void html_value(struct strbuf *o, const struct ruleset *rs, int field, const char *s,
		       size_t n)
{
	struct strbuf b = {0};
	value(&b, rs, field, s, n);
	html_text(o, sb_str(&b));
	sb_free(&b);
}

/* A sentence of the model, HTML-escaped. */
static void html_rtext(struct strbuf *o, const struct ruleset *rs, const struct report_text *t)
{
	struct strbuf b = {0};
	report_text_flat(&b, rs, t, value);
	html_text(o, sb_str(&b));
	sb_free(&b);
}

/* The customer's own file name, without the folders it was read from. */
static void html_file(struct strbuf *o, const struct ruleset *rs, const char *path)
{
	const char *b = render_basename(path);
	struct strbuf t = {0};
	render_text_value(&t, rs, b, strlen(b));
	html_text(o, sb_str(&t));
	sb_free(&t);
}

const char render_html_css[] =
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
    ".chart .narrow{display:none}.legend li.change .sw{border-radius:50%}\n"
    "pre{overflow-x:auto;max-width:100%}\n"
    ".legend{list-style:none;padding:0;margin:.5em 0 0;display:flex;flex-wrap:wrap;"
    "gap:4px 18px;font-size:.9em}\n"
    ".legend li{margin:0}.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;"
    "margin-right:.4em;vertical-align:-1px}\n"
    ".sw,.badge,rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    ".notes li.error{color:var(--error)}.notes li.warning{color:var(--warning)}\n"
    "footer{color:var(--muted);font-size:.85em;text-align:center;padding:8px}\n"
    "@media (max-width:700px){main{padding:8px}section,header{padding:12px}"
    ".facts th{width:auto}body{font-size:14px}.chart svg text{font-size:26px}"
    ".chart svg text.y{font-size:20px}"
    ".chart .minor,.chart .wide{display:none}.chart .narrow{display:inline}}\n"
    "@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}"
    "section,header{border:none;border-top:1px solid #999;border-radius:0;padding:8px 0;"
    "margin:0 0 8px}.finding{border-left:none;break-inside:auto}"
    "h2,h3,.chart{break-after:avoid;break-inside:avoid}a{color:inherit}"
    "a[href^=\"http\"]::after{content:\" <\" attr(href) \">\";font-size:.8em;"
    "color:var(--muted)}footer{display:none}}\n";

static const char *const css = render_html_css;

/* ---- timeline ---- */

/* ---- timeline ---- */

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
	size_t changes_drawn; /* Setup changes inside the chart's span */
};

/* Widen the chart to show the Setup changes around its span (a change often
 * comes minutes before the first failure, outside the events' own range),
 * as long as it stays at most limit bars wide; a change beyond is left to
 * the list of changes. */
static void chart_fit_changes(struct chart *c, const struct report *m, size_t limit)
{
	for (size_t i = 0; i < m->nchanges; i++) {
		int64_t t = m->changes[i].c->time_ms;
		if (t == EVENT_NO_TIME || t < 0)
			continue;
		int64_t bar = t / c->bar_ms - c->start;
		int64_t lo = bar < 0 ? bar : 0;
		int64_t hi = bar >= (int64_t)c->nbars ? bar : (int64_t)c->nbars - 1;
		if ((uint64_t)(hi - lo + 1) > limit)
			continue;
		c->start += lo;
		c->nbars = (size_t)(hi - lo + 1);
	}
}

/* Where time t falls on the chart, or -1 outside it. */
static double chart_x(const struct chart *c, int64_t t, double left, double width)
{
	if (t == EVENT_NO_TIME || t < c->start * c->bar_ms ||
	    t >= (c->start + (int64_t)c->nbars) * c->bar_ms)
		return -1;
	double span = (double)c->bar_ms * (double)c->nbars;
	return left + width * (double)(t - c->start * c->bar_ms) / span;
}

/* Add a model series (on the run's axis) into a chart series. */
static void chart_add(struct chart *c, const struct timeline_axis *ax, const uint64_t *v,
		      struct series *s)
{
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

/* Successes first, then each finding (with the findings it explains), in
 * report order; returns 0 when nothing had a time. */
static int chart_build(struct chart *c, const struct report *m)
{
	const struct timeline_axis *ax = m->axis;
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
	chart_fit_changes(c, m, c->bar_ms < DAY_MS ? HOURLY_SPAN : MAX_BARS);
	chart_add(c, ax, m->successes, chart_series(c, "successful logins", SUCCESS_COLOR));
	struct series *other = NULL;
	for (size_t i = 0; i < m->nf; i++) {
		struct series *s;
		if (i < MAX_SERIES) {
			s = chart_series(c, m->f[i].id, palette[i]);
		} else {
			if (!other)
				other = chart_series(c, "other causes", palette[MAX_SERIES]);
			s = other;
		}
		chart_add(c, ax, m->f[i].series, s);
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
#define PL 64.0	 /* plot left */
#define PR 12.0	 /* right margin */
#define PT 40.0	 /* plot top (the marker's label) */
#define PB 40.0	 /* bottom margin (x labels) */

/* "19 failed logins, 6 token responses": what a finding counts and what it
 * explains, in the words of its facts table; returns the sum. */
static uint64_t finding_counts(struct strbuf *o, const struct report_finding *rf)
{
	uint64_t sum = rf->fi->count;
	render_count(o, rf->fi->count);
	sb_printf(o, " %s", rf->noun);
	for (size_t k = 0; k < rf->nexplains; k++) {
		const struct report_finding *x = &rf->explains[k];
		sb_adds(o, ", ");
		render_count(o, x->fi->count);
		sb_printf(o, " %s", x->noun);
		sum += x->fi->count;
	}
	return sum;
}

static void not_drawn(struct strbuf *o, uint64_t counted, uint64_t drawn)
{
	if (counted <= drawn)
		return;
	sb_adds(o, "; ");
	render_count(o, counted - drawn);
	sb_adds(o, " without a readable time, not drawn");
}

/*
 * One entry per series, counting what the findings count (a cause's bars
 * also hold the responses it explains, so those are named beside its own
 * events), and saying how many of them have no time to be drawn by; then
 * the Setup changes on the chart and each likely trigger, linked to the
 * change and to its finding.
 */
static void legend(struct strbuf *o, const struct report *m, const struct chart *c)
{
	for (size_t i = 0; i < c->ns; i++) {
		const struct series *se = &c->s[i];
		sb_printf(o, "<li><span class=\"sw\" style=\"background:%s\"></span>%s (",
			  se->color, se->label);
		uint64_t counted = 0;
		if (i == 0) {
			counted = m->counts.successes;
			render_count(o, counted);
		} else if (i - 1 < MAX_SERIES) {
			counted = finding_counts(o, &m->f[i - 1]);
		} else {
			for (size_t k = MAX_SERIES; k < m->nf; k++) {
				struct strbuf ignore = {0};
				counted += finding_counts(&ignore, &m->f[k]);
				sb_free(&ignore);
			}
			render_count(o, counted);
			sb_printf(o, " events of %zu more findings", m->nf - MAX_SERIES);
		}
		not_drawn(o, counted, se->total);
		sb_adds(o, ")</li>\n");
	}
	if (!c->changes_drawn)
		return;
	sb_printf(o,
		  "<li class=\"change\"><span class=\"sw\" style=\"background:%s\"></span>"
		  "Setup changes (%zu on the chart",
		  CHANGE_COLOR, c->changes_drawn);
	if (c->changes_drawn < m->nchanges)
		sb_printf(o, ", %zu outside it", m->nchanges - c->changes_drawn);
	sb_adds(o, ")</li>\n");
	for (size_t k = 0; k < m->nf; k++) {
		const struct report_finding *rf = &m->f[k];
		if (!rf->has_trigger || rf->trigger_change < 0 ||
		    (size_t)rf->trigger_change >= m->nchanges)
			continue;
		sb_printf(o,
			  "<li class=\"change\"><span class=\"sw\" style=\"background:%s\"></span>"
			  "<a href=\"#change-%d\">Likely trigger</a> of <a "
			  "href=\"#finding-%zu\">%s</a>: ",
			  CHANGE_COLOR, rf->trigger_change + 1, k + 1, rf->id);
		html_rtext(o, m->rs, &m->changes[rf->trigger_change].line);
		sb_adds(o, "</li>\n");
	}
}

static void timeline(struct strbuf *o, const struct report *m)
{
	struct chart c;
	if (!chart_build(&c, m))
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
	if (m->counts.untimed) {
		sb_adds(o, " ");
		render_count(o, m->counts.untimed);
		sb_adds(o, m->counts.untimed == 1
			       ? " event without a readable time is not shown."
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
		struct strbuf lab = {0};
		render_count(&lab, top * (uint64_t)k / 4);
		sb_printf(o,
			  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
			  "<text class=\"y\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			  "fill=\"#57606a\">%s</text>\n",
			  PL, y, CW - PR, y, k ? "#e3e7eb" : "#8c959f", PL - 6, y + 4,
			  sb_str(&lab));
		sb_free(&lab);
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
	/* X labels: about six, at bar starts; on a phone every other one. */
	size_t step = (c.nbars + 5) / 6, nth = 0;
	for (size_t b = 0; b < c.nbars; b += step, nth++) {
		char lab[32];
		bar_label(&c, b, lab, 0);
		double x = PL + bw * (double)b;
		if (x + 7.0 * (double)strlen(lab) > CW)
			break; /* would be cut off at the right edge */
		sb_printf(
		    o,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#8c959f\"/>"
		    "<text%s x=\"%.1f\" y=\"%.1f\" fill=\"#57606a\">%s</text>\n",
		    x, PT + ph, x, PT + ph + 5, nth % 2 ? " class=\"minor\"" : "", x + 2,
		    PT + ph + 20, lab);
	}
	/* When things broke: the first failure of the top finding, named in
	 * full on a wide screen and by its time alone on a phone. */
	double x = m->nf ? chart_x(&c, m->f[0].fi->first, PL, pw) : -1;
	if (x >= 0) {
		char t[32], brief[32];
		time_format_short(m->f[0].fi->first, t);
		snprintf(brief, sizeof brief, "%.*s", c.bar_ms < DAY_MS ? 11 : 10,
			 c.bar_ms < DAY_MS ? t + 5 : t);
		int right = x > PL + pw * 0.5;
		sb_printf(o,
			  "<g class=\"marker\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			  "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"5 4\" "
			  "vector-effect=\"non-scaling-stroke\"/>",
			  x, PT - 6, x, PT + ph, palette[0]);
		sb_printf(o,
			  "<text class=\"wide\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
			  "fill=\"%s\" font-weight=\"600\">first %s: %s</text>",
			  right ? x - 4 : x + 4, PT - 10, right ? "end" : "start", palette[0],
			  m->f[0].id, t);
		sb_printf(o,
			  "<text class=\"narrow\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
			  "fill=\"%s\" font-weight=\"600\">first failure %s</text></g>\n",
			  right ? x - 4 : x + 4, PT - 10, right ? "end" : "start", palette[0],
			  brief);
	}
	/* The Setup changes: a line and a diamond each, linked to the change
	 * in the list, who/what/when in its tooltip; the likely trigger of a
	 * finding filled, the others hollow. */
	for (size_t i = 0; i < m->nchanges; i++) {
		const struct report_change *rc = &m->changes[i];
		double cx = chart_x(&c, rc->c->time_ms, PL, pw);
		if (cx < 0)
			continue;
		c.changes_drawn++;
		sb_printf(o,
			  "<a href=\"#change-%zu\"><g class=\"change%s\"><line x1=\"%.1f\" "
			  "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			  "stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>"
			  "<path d=\"M%.1f %.1fl7 8-7 8-7-8z\" fill=\"%s\" stroke=\"%s\" "
			  "stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/><title>",
			  i + 1, rc->blamed ? " trigger" : "", cx, PT, cx, PT + ph, CHANGE_COLOR,
			  cx, PT, rc->blamed ? CHANGE_COLOR : "#fff", CHANGE_COLOR);
		sb_adds(o, "Setup change: ");
		html_rtext(o, m->rs, &rc->line);
		for (size_t k = 0; k < m->nf; k++)
			if (m->f[k].has_trigger && m->f[k].trigger_change == (int)i)
				sb_printf(o, " (likely trigger of %s)", m->f[k].id);
		sb_adds(o, "</title></g></a>\n");
	}
	sb_adds(o, "</svg></div>\n<ul class=\"legend\">\n");
	legend(o, m, &c);
	sb_adds(o, "</ul>\n</section>\n");
	chart_free(&c);
}

/* ---- findings ---- */

/* A table of a row's top values, with "N more": a "table" row's layout. */
static void top_table(struct strbuf *o, const struct ruleset *rs, const struct report_row *row)
{
	if (!row->nbrief)
		return;
	struct strbuf head = {0};
	sb_adds(&head, "Top ");
	const char *l = row->def->label;
	sb_addc(&head, *l >= 'A' && *l <= 'Z' ? (char)(*l + 32) : *l);
	sb_adds(&head, l + 1);
	sb_adds(o, "<table><thead><tr><th>");
	html_text(o, sb_str(&head));
	sb_adds(o, "</th><th class=\"n\">Count</th></tr></thead><tbody>\n");
	sb_free(&head);
	for (size_t i = 0; i < row->nbrief; i++) {
		sb_adds(o, "<tr><td>");
		html_value(o, rs, row->field, row->brief[i]->s, row->brief[i]->n);
		sb_adds(o, "</td><td class=\"n\">");
		render_count(o, row->brief[i]->count);
		sb_adds(o, "</td></tr>\n");
	}
	if (row->brief_more) {
		sb_printf(o, "<tr><td class=\"muted\">%zu more</td><td class=\"n\">",
			  row->brief_more);
		render_count(o, row->brief_rest);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody></table>\n");
}

static void rows(struct strbuf *o, const struct ruleset *rs, const struct finding *fi)
{
	for (size_t i = 0; i < fi->nex; i++) {
		if (i)
			sb_adds(o, ", ");
		sb_adds(o, "<code>");
		html_file(o, rs, fi->ex[i].file);
		sb_printf(o, ":%ld</code>", fi->ex[i].line);
	}
}

static void facts(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	const struct finding *fi = rf->fi;
	char a[32];
	sb_adds(o, "<table class=\"facts\"><tbody>\n<tr><th>");
	render_capital(o, rf->noun);
	sb_adds(o, "</th><td>");
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
	struct strbuf s = {0};
	for (size_t i = 0; i < rf->nrows; i++) {
		const struct report_row *row = &rf->rows[i];
		if (row->def->layout != REPORT_LAYOUT_LIST)
			continue;
		sb_reset(&s);
		if (render_row_list(&s, rs, row, html_value)) {
			sb_adds(o, "<tr><th>");
			html_text(o, row->def->label);
			sb_printf(o, "</th><td>%s</td></tr>\n", sb_str(&s));
		}
	}
	sb_free(&s);
	if (fi->nex) {
		sb_adds(o, "<tr><th>Example rows</th><td>");
		rows(o, rs, fi);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody></table>\n<div class=\"tops\">\n");
	for (size_t i = 0; i < rf->nrows; i++)
		if (rf->rows[i].def->layout == REPORT_LAYOUT_TABLE)
			top_table(o, rs, &rf->rows[i]);
	sb_adds(o, "</div>\n");
}

static void stories(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	if (!rf->stories)
		return;
	sb_adds(o, "<h3>Who is affected</h3>\n<ul>\n");
	for (size_t i = 0; i < rf->nstories; i++) {
		sb_adds(o, "<li>");
		html_rtext(o, rs, &rf->groups[i].story);
		sb_adds(o, "</li>\n");
	}
	if (rf->stories_more || rf->fi->ungrouped) {
		sb_printf(o, "<li class=\"muted\">%zu more user/app pairs", rf->stories_more);
		if (rf->fi->ungrouped)
			sb_printf(o, "; %llu failures beyond the %d pairs tracked",
				  (unsigned long long)rf->fi->ungrouped, SFDIAG_MAX_GROUPS);
		sb_adds(o, "</li>\n");
	}
	sb_adds(o, "</ul>\n");
}

static void explained(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	for (size_t i = 0; i < rf->nexplains; i++) {
		const struct report_finding *x = &rf->explains[i];
		sb_adds(o, "<p>Also explains ");
		render_count(o, x->fi->count);
		sb_printf(o, " %s (<code>%s</code>", x->noun, x->id);
		if (x->said.nv) {
			sb_adds(o, ": ");
			html_value(o, rs, -1, x->said.v[0].s, x->said.v[0].n);
		}
		sb_adds(o, ") in ");
		rows(o, rs, x->fi);
		sb_adds(o, ": the same cause.</p>\n");
	}
}

static void candidates(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf)
{
	if (!rf->ncands)
		return;
	sb_adds(
	    o,
	    rf->ncands == 1
		? "<h3>Same cause as</h3>\n<p class=\"muted\">No other evidence of it here.</p>\n"
		: "<h3>Possible causes, most likely first</h3>\n<p class=\"muted\">Nothing else "
		  "in this data narrows it.</p>\n");
	sb_adds(o, "<ol>\n");
	for (size_t k = 0; k < rf->ncands; k++) {
		sb_printf(o, "<li><code>%s</code>: ", rf->cands[k].id);
		html_rtext(o, rs, &rf->cands[k].title);
		sb_adds(o, "</li>\n");
	}
	sb_adds(o, "</ol>\n");
	if (rf->ntell) {
		sb_adds(o, "<h3>How to tell them apart</h3>\n<ul>\n");
		for (size_t k = 0; k < rf->ntell; k++) {
			sb_adds(o, "<li>");
			html_rtext(o, rs, &rf->tell[k]);
			sb_adds(o, "</li>\n");
		}
		sb_adds(o, "</ul>\n");
	}
}

/* "URL (comment)" as a link; any other reference as text. */
static void reference(struct strbuf *o, const char *ref)
{
	struct render_ref link;
	sb_adds(o, "<li>");
	if (!render_ref_parse(ref, &link)) {
		html_text(o, ref);
		sb_adds(o, "</li>\n");
		return;
	}
	struct strbuf url = {0}, label = {0};
	sb_add(&url, link.url, link.url_len);
	sb_add(&label, link.label, link.label_len);
	sb_adds(o, "<a href=\"");
	html_text(o, sb_str(&url));
	sb_adds(o, "\" rel=\"noreferrer\">");
	html_text(o, sb_str(&label));
	sb_adds(o, "</a></li>\n");
	sb_free(&url);
	sb_free(&label);
}

static void finding(struct strbuf *o, const struct ruleset *rs, const struct report_finding *rf,
		    size_t num)
{
	sb_printf(o,
		  "<section class=\"finding %s\" id=\"finding-%zu\">\n<h2><span class=\"badge\">%s"
		  "</span>",
		  severity_name(rf->severity), num, render_severity_word(rf->severity));
	html_rtext(o, rs, &rf->title);
	sb_printf(o, "</h2>\n<p class=\"rule\">Rule <code>%s</code></p>\n", rf->id);
	if (rf->has_cause) {
		sb_adds(o, "<p><strong>What is wrong:</strong> ");
		html_rtext(o, rs, &rf->cause);
		sb_adds(o, "</p>\n");
	}
	facts(o, rs, rf);
	stories(o, rs, rf);
	explained(o, rs, rf);
	candidates(o, rs, rf);
	if (rf->has_gap) {
		sb_adds(o, "<p class=\"gap\"><strong>Gap in the evidence:</strong> ");
		html_rtext(o, rs, &rf->gap);
		sb_adds(o, "</p>\n");
	}
	if (rf->has_trigger) {
		sb_printf(o, "<p class=\"gap\"><strong>Likely trigger:</strong> ");
		html_rtext(o, rs, &rf->trigger);
		sb_printf(o, " (<a href=\"#change-%d\">change</a>)</p>\n", rf->trigger_change + 1);
	}
	if (rf->has_fixed) {
		sb_adds(o, "<p><strong>Fixed:</strong> ");
		html_rtext(o, rs, &rf->fixed);
		sb_adds(o, "</p>\n");
	}
	if (rf->has_no_trail) {
		sb_adds(o, "<p class=\"gap\"><strong>Changes in Setup:</strong> ");
		html_rtext(o, rs, &rf->no_trail);
		sb_adds(o, "</p>\n");
	}
	sb_adds(o, "<h3>Fix</h3>\n");
	if (rf->rule) {
		sb_adds(o, "<ol>\n");
		for (size_t i = 0; i < rf->nfix; i++) {
			sb_adds(o, "<li>");
			html_rtext(o, rs, &rf->fix[i]);
			sb_adds(o, "</li>\n");
		}
		sb_adds(o, "</ol>\n");
	} else {
		/* The message is a phrase that continues "Fix:"; here it opens a
		 * paragraph. */
		struct strbuf b = {0}, c = {0};
		report_text_flat(&b, rs, &rf->unknown_fix, value);
		render_capital(&c, sb_str(&b));
		sb_adds(o, "<p>");
		html_text(o, sb_str(&c));
		sb_adds(o, "</p>\n");
		sb_free(&b);
		sb_free(&c);
	}
	if (rf->rule && rf->rule->nrefs) {
		sb_adds(o, "<h3>References</h3>\n<ul>\n");
		for (size_t i = 0; i < rf->rule->nrefs; i++)
			reference(o, rf->rule->refs[i]);
		sb_adds(o, "</ul>\n");
	}
	sb_adds(o, "</section>\n");
}

static void changes(struct strbuf *o, const struct report *m)
{
	if (!m->changes_seen)
		return;
	sb_adds(o, "<section class=\"inputs\">\n<h2>Changes in Setup (Setup Audit Trail)</h2>\n");
	sb_printf(o,
		  "<p class=\"muted\">%llu change%s read; %llu not related to logins are not "
		  "listed.</p>\n<ul>\n",
		  (unsigned long long)m->changes_seen, m->changes_seen == 1 ? "" : "s",
		  (unsigned long long)m->changes_unrelated);
	for (size_t i = 0; i < m->nchanges; i++) {
		const struct report_change *rc = &m->changes[i];
		sb_printf(o, "<li id=\"change-%zu\">", i + 1);
		if (rc->blamed)
			sb_adds(o, "<strong>");
		html_rtext(o, m->rs, &rc->line);
		if (rc->blamed)
			sb_adds(o, "</strong>");
		sb_printf(o, " <code>%s</code>", rc->id);
		/* The trigger links to the findings it likely began. */
		const char *sep = " (likely trigger of ";
		for (size_t k = 0; k < m->nf; k++) {
			if (!m->f[k].has_trigger || m->f[k].trigger_change != (int)i)
				continue;
			sb_printf(o, "%s<a href=\"#finding-%zu\">%s</a>", sep, k + 1, m->f[k].id);
			sep = ", ";
		}
		if (*sep == ',')
			sb_adds(o, ")");
		else if (rc->blamed)
			sb_adds(o, " (likely trigger)");
		sb_adds(o, "</li>\n");
	}
	sb_adds(o, "</ul>\n</section>\n");
}

static void inputs(struct strbuf *o, const struct report *m)
{
	uint64_t skipped = m->counts.skipped;
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
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct input_summary *in = &m->inputs[i];
		sb_adds(o, "<tr><td>");
		html_file(o, m->rs, in->file);
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
	if (m->nnotes || m->notes_dropped) {
		sb_adds(o, "<ul class=\"notes\">\n");
		for (size_t i = 0; i < m->nnotes; i++) {
			const struct report_note *n = &m->notes[i];
			const char *w = render_level_word(n->level);
			sb_printf(o, "<li class=\"%s\">%s: ", w, w);
			if (n->file) {
				sb_adds(o, "<code>");
				html_file(o, m->rs, n->file);
				if (n->line)
					sb_printf(o, ":%ld", n->line);
				sb_adds(o, "</code>: ");
			}
			html_rtext(o, m->rs, &n->msg);
			sb_adds(o, "</li>\n");
		}
		if (m->notes_dropped)
			sb_printf(o, "<li>%llu more notes not shown (SFDIAG_MAX_NOTES)</li>\n",
				  (unsigned long long)m->notes_dropped);
		sb_adds(o, "</ul>\n");
	}
	sb_adds(o, "</section>\n");
}

int render_html(FILE *fp, const struct report *m, const struct render_opts *o)
{
	struct strbuf b = {0}, verdict = {0};
	const size_t *sev = m->verdict.by_severity;
	(void)o;

	render_verdict(&verdict, m);
	sb_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" "
		    "content=\"sfdiag\">\n");
	sb_adds(&b, "<title>sfdiag: ");
	if (!m->complete) {
		html_rtext(&b, m->rs, &m->headline);
		sb_addc(&b, ' ');
	}
	sb_printf(&b, "%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
		  sb_str(&verdict), css);
	sb_adds(&b, "<header>\n<h1>");
	html_rtext(&b, m->rs, &m->page_title);
	sb_adds(&b, "</h1>\n");
	if (!m->complete) {
		/* Never green while part of the evidence was not read. */
		sb_adds(&b, "<p class=\"verdict error unread\">");
		html_rtext(&b, m->rs, &m->headline);
		sb_adds(&b, "</p>\n");
	}
	sb_printf(&b, "<p class=\"verdict %s\">%s",
		  m->nf == 0 && !m->complete ? "warning"
		  : m->nf == 0		     ? "ok"
		  : sev[SEV_ERROR]	     ? "error"
		  : sev[SEV_WARNING]	     ? "warning"
					     : "info",
		  sb_str(&verdict));
	if (m->nf) {
		sb_adds(&b, ": ");
		html_rtext(&b, m->rs, &m->f[0].title);
	}
	sb_adds(&b, "</p>\n");
	sb_free(&verdict);
	if (m->nshort) {
		sb_adds(&b, "<p class=\"short\"><strong>In short.</strong>");
		for (size_t i = 0; i < m->nshort; i++) {
			sb_addc(&b, ' ');
			html_rtext(&b, m->rs, &m->in_short[i]);
		}
		sb_adds(&b, "</p>\n");
	}
	if (m->ntest) {
		struct strbuf c = {0};
		sb_adds(&b, "<p class=\"short\"><strong>Test the settings.</strong> ");
		html_rtext(&b, m->rs, &m->test_intro);
		sb_adds(&b, "</p>\n<pre class=\"test\"><code>");
		render_test_command(&c, m, value);
		html_text(&b, sb_str(&c));
		sb_adds(&b, "</code></pre>\n");
		sb_free(&c);
	}
	sb_adds(&b, "<p class=\"muted\">");
	html_rtext(&b, m->rs, &m->summary);
	sb_adds(&b, "</p>\n");
	if (m->nf > 1) {
		sb_adds(&b, "<ol>\n");
		for (size_t i = 0; i < m->nf; i++) {
			sb_printf(&b, "<li><a href=\"#finding-%zu\">%s</a>: ", i + 1,
				  render_severity_word(m->f[i].severity));
			html_rtext(&b, m->rs, &m->f[i].title);
			sb_adds(&b, "</li>\n");
		}
		sb_adds(&b, "</ol>\n");
	}
	sb_adds(&b, "</header>\n");
	timeline(&b, m);
	for (size_t i = 0; i < m->nf; i++)
		finding(&b, m->rs, &m->f[i], i + 1);
	changes(&b, m);
	inputs(&b, m);
	sb_adds(&b, "</main>\n<footer>Made by sfdiag, offline: this page loads nothing from the "
		    "network.</footer>\n</body>\n</html>\n");

	int rc = b.len && fwrite(b.buf, 1, b.len, fp) != b.len ? -1 : 0;
	sb_free(&b);
	return rc;
}
