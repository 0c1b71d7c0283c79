/*
 * render_triage_html.c - the triage summary as one self-contained HTML page
 * (see summary.h): the incidents first, a chart of failure onsets across
 * tickets with the incidents marked, the rollup by cause, then the tickets.
 *
 * Like the per-ticket page (render_html.c, whose escaping and style sheet
 * it uses): no script, no fetch (a Content-Security-Policy forbids both),
 * inline SVG.  Every name and message from input is masked and escaped for
 * a terminal first (value()), then HTML-escaped.
 *
 * The chart counts onsets, the first failure of each finding of each
 * ticket, per bucket; the bucket is the smallest of a fixed list of widths
 * that puts the whole span in at most ONSET_BUCKETS bars, so its size is
 * bounded whatever the number of tickets.  An onset in an incident is drawn
 * in that incident's colour under a band spanning the incident's onsets.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "report/render.h"
#include "report/summary.h"

#define ONSET_BUCKETS 36 /* bars at most */
#define NOTES_SHOWN   3	 /* input notes per ticket */
#define INC_COLORS    6	 /* incident colours; later incidents reuse them */

static const char *const inc_color[INC_COLORS] = {"#c62828", "#1565c0", "#6a1b9a",
						  "#ef6c00", "#00838f", "#ad1457"};
#define OTHER_COLOR "#9e9e9e"

/* The one place input becomes summary HTML: masked, escaped for a terminal,
 * before the whole is HTML-escaped. */
static void value(struct strbuf *out, const struct ruleset *rs, int field, const char *s, size_t n)
{
	render_value(out, rs, field, s, n);
}

static void html_rtext(struct strbuf *o, const struct ruleset *rs, const struct report_text *t)
{
	struct strbuf b = {0};
	report_text_flat(&b, rs, t, value);
	render_html_text(o, sb_str(&b));
	sb_free(&b);
}

/* A name from disk (a ticket, a file, DIR). */
static void html_name(struct strbuf *o, const struct ruleset *rs, const char *name)
{
	struct strbuf b = {0};
	render_text_value(&b, rs, name, strlen(name));
	render_html_text(o, sb_str(&b));
	sb_free(&b);
}

static void cell_count(struct strbuf *o, uint64_t n)
{
	sb_adds(o, "<td class=\"n\">");
	render_count(o, n);
	sb_adds(o, "</td>");
}

/* ---- incidents ---- */

static void incidents(struct strbuf *o, const struct summary *sm)
{
	sb_adds(o, "<section class=\"incidents\">\n<h2>Incidents across tickets</h2>\n");
	if (!sm->ninc) {
		sb_adds(o, "<p class=\"muted\">None: no cause began in several tickets at "
			   "once.</p>\n</section>\n");
		return;
	}
	sb_adds(o, "<ol>\n");
	for (size_t i = 0; i < sm->ninc; i++) {
		const struct summary_incident *x = &sm->inc[i];
		sb_printf(o,
			  "<li class=\"finding %s\" id=\"incident-%zu\"><p><span class=\"sw\" "
			  "style=\"background:%s\"></span><strong>",
			  severity_name(x->sev), i + 1, inc_color[i % INC_COLORS]);
		html_rtext(o, sm->rs, &x->headline);
		sb_printf(o, "</strong></p>\n<p class=\"muted\">Cause <code>%s</code>; ", x->id);
		render_count(o, x->count);
		sb_printf(o, " %s; tickets: ", report_noun(sm->rs, x->rule, x->count != 1));
		for (size_t j = 0; j < x->nm; j++) {
			if (j)
				sb_adds(o, ", ");
			html_name(o, sm->rs, sm->t[x->m[j].ticket]->name);
		}
		sb_adds(o, "</p>\n<p>");
		render_html_text(o, sm->rs->report->ikeys[x->key].advice);
		sb_adds(o, "</p></li>\n");
	}
	sb_adds(o, "</ol>\n</section>\n");
}

/* ---- the chart of onsets ---- */

#define MIN_MS	INT64_C(60000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS	(24 * HOUR_MS)

/* The incident (index + 1) that finding i of ticket k is in, or 0. */
static size_t incident_of(const struct summary *sm, size_t k, size_t i)
{
	for (size_t x = 0; x < sm->ninc; x++)
		for (size_t j = 0; j < sm->inc[x].nm; j++)
			if (sm->inc[x].m[j].ticket == k && sm->inc[x].m[j].finding == i)
				return x + 1;
	return 0;
}

/* The viewBox: a 412-unit-wide chart reads at a phone's width. */
#define CW 412.0
#define CH 210.0
#define PL 34.0
#define PR 10.0
#define PT 14.0
#define PB 44.0

static void chart_time(char out[32], int64_t t, int64_t width)
{
	char buf[32];
	time_format_short(t, buf); /* "2026-11-03 14:02 UTC" */
	if (width >= DAY_MS)
		snprintf(out, 32, "%.10s", buf);
	else
		snprintf(out, 32, "%s", buf + 5); /* "11-03 14:02 UTC" */
}

static void onsets(struct strbuf *o, const struct summary *sm)
{
	static const int64_t widths[] = {MIN_MS,       5 * MIN_MS, 10 * MIN_MS, 15 * MIN_MS,
					 30 * MIN_MS,  HOUR_MS,	   3 * HOUR_MS, 6 * HOUR_MS,
					 12 * HOUR_MS, DAY_MS,	   7 * DAY_MS,	30 * DAY_MS,
					 365 * DAY_MS};
	int64_t lo = 0, hi = 0;
	size_t n = 0;
	for (size_t k = 0; k < sm->n; k++) {
		for (size_t i = 0; i < sm->t[k]->nf; i++) {
			int64_t t = sm->t[k]->f[i].first;
			if (t == EVENT_NO_TIME)
				continue;
			lo = n && lo < t ? lo : t;
			hi = n && hi > t ? hi : t;
			n++;
		}
	}
	sb_adds(o, "<section class=\"chart onsets\">\n<h2>When failures began</h2>\n");
	if (!n) {
		sb_adds(o, "<p class=\"muted\">No failure with a time in any ticket.</p>\n"
			   "</section>\n");
		return;
	}
	int64_t w = widths[sizeof widths / sizeof widths[0] - 1];
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		if ((hi / widths[i] - lo / widths[i]) < ONSET_BUCKETS) {
			w = widths[i];
			break;
		}
	}
	int64_t from = lo / w * w - (lo % w < 0 ? w : 0);
	size_t nb = (size_t)((hi - from) / w) + 1;
	if (nb > ONSET_BUCKETS)
		nb = ONSET_BUCKETS;
	if (nb < 6)
		nb = 6; /* a lone burst still sits on an axis */
	/* cnt[b][0]: onsets in no incident; cnt[b][1 + x]: in incident x. */
	size_t lanes = sm->ninc + 1;
	uint64_t *cnt = xcalloc(nb * lanes, sizeof *cnt);
	uint64_t max = 0;
	for (size_t k = 0; k < sm->n; k++) {
		for (size_t i = 0; i < sm->t[k]->nf; i++) {
			int64_t t = sm->t[k]->f[i].first;
			if (t == EVENT_NO_TIME)
				continue;
			size_t b = (size_t)((t - from) / w);
			if (b >= nb)
				b = nb - 1;
			cnt[b * lanes + incident_of(sm, k, i)]++;
		}
	}
	for (size_t b = 0; b < nb; b++) {
		uint64_t sum = 0;
		for (size_t l = 0; l < lanes; l++)
			sum += cnt[b * lanes + l];
		max = sum > max ? sum : max;
	}
	double pw = CW - PL - PR, ph = CH - PT - PB, bw = pw / (double)nb;
	char a[32], z[32];
	chart_time(a, from, w);
	chart_time(z, from + (int64_t)nb * w, w);
	sb_printf(o,
		  "<div class=\"plot\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		  "aria-labelledby=\"onset-title\" font-family=\"system-ui,sans-serif\" "
		  "font-size=\"12\">\n<title id=\"onset-title\">First failure of each finding, "
		  "per ",
		  CW, CH);
	if (w >= DAY_MS)
		sb_printf(o, "%lld day%s", (long long)(w / DAY_MS), w == DAY_MS ? "" : "s");
	else if (w >= HOUR_MS)
		sb_printf(o, "%lld hour%s", (long long)(w / HOUR_MS), w == HOUR_MS ? "" : "s");
	else
		sb_printf(o, "%lld minute%s", (long long)(w / MIN_MS), w == MIN_MS ? "" : "s");
	sb_printf(o, ", from %s to %s</title>\n", a, z);
	/* Incident bands, under the bars. */
	for (size_t x = 0; x < sm->ninc; x++) {
		const struct summary_incident *inc = &sm->inc[x];
		size_t b0 = (size_t)((inc->first - from) / w),
		       b1 = (size_t)((inc->last - from) / w);
		b0 = b0 < nb ? b0 : nb - 1;
		b1 = b1 < nb ? b1 : nb - 1;
		double x0 = PL + (double)b0 * bw, x1 = PL + (double)(b1 + 1) * bw;
		sb_printf(
		    o,
		    "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		    "fill=\"%s\" fill-opacity=\"0.12\"><title>Incident %zu</title></rect>\n"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
		    "font-weight=\"700\">%zu</text>\n",
		    x0, PT, x1 - x0, ph, inc_color[x % INC_COLORS], x + 1, (x0 + x1) / 2, PT - 3,
		    inc_color[x % INC_COLORS], x + 1);
	}
	/* Axes and the count scale. */
	sb_printf(o,
		  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>\n"
		  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#57606a\">0</text>\n"
		  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#57606a\">%llu</text>\n",
		  PL, PT + ph, PL + pw, PT + ph, PL - 4, PT + ph + 4, PL - 4, PT + 4,
		  (unsigned long long)max);
	for (size_t b = 0; b < nb; b++) {
		double y = PT + ph;
		for (size_t l = 0; l < lanes; l++) {
			uint64_t c = cnt[b * lanes + l];
			if (!c)
				continue;
			double h = ph * (double)c / (double)max;
			y -= h;
			char t[32];
			chart_time(t, from + (int64_t)b * w, w);
			sb_printf(o,
				  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				  "fill=\"%s\"><title>%s: %llu onset%s%s",
				  PL + (double)b * bw + 1, y, bw > 3 ? bw - 2 : bw, h,
				  l ? inc_color[(l - 1) % INC_COLORS] : OTHER_COLOR, t,
				  (unsigned long long)c, c == 1 ? "" : "s",
				  l ? ", incident " : ", in no incident");
			if (l)
				sb_printf(o, "%zu", l);
			sb_adds(o, "</title></rect>\n");
		}
	}
	sb_printf(o,
		  "<text x=\"%.1f\" y=\"%.1f\" fill=\"#57606a\">%s</text>\n"
		  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#57606a\">%s</text>\n",
		  PL, PT + ph + 16, a, PL + pw, PT + ph + 16, z);
	sb_printf(o,
		  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#57606a\">tickets' "
		  "first failures (one bar per ",
		  PL + pw / 2, PT + ph + 34);
	if (w >= DAY_MS)
		sb_printf(o, "%lld d", (long long)(w / DAY_MS));
	else if (w >= HOUR_MS)
		sb_printf(o, "%lld h", (long long)(w / HOUR_MS));
	else
		sb_printf(o, "%lld min", (long long)(w / MIN_MS));
	sb_adds(o, ")</text>\n</svg></div>\n<ul class=\"legend\">");
	for (size_t x = 0; x < sm->ninc; x++)
		sb_printf(o,
			  "<li><span class=\"sw\" style=\"background:%s\"></span><a "
			  "href=\"#incident-%zu\">incident %zu</a></li>",
			  inc_color[x % INC_COLORS], x + 1, x + 1);
	sb_printf(o,
		  "<li><span class=\"sw\" style=\"background:%s\"></span>in no "
		  "incident</li></ul>\n</section>\n",
		  OTHER_COLOR);
	free(cnt);
}

/* ---- the rollup and the tickets ---- */

static void causes(struct strbuf *o, const struct summary *sm)
{
	char ts[32];
	sb_adds(o, "<section>\n<h2>Causes across tickets</h2>\n");
	if (!sm->nc) {
		sb_adds(o, "<p class=\"muted\">None: no failure in any ticket.</p>\n</section>\n");
		return;
	}
	sb_adds(o, "<div class=\"wide\"><table>\n<thead><tr><th "
		   "class=\"n\">Tickets</th><th>Cause</th><th>Severity"
		   "</th><th class=\"n\">Events</th><th>First seen</th><th>Tickets</th></tr>"
		   "</thead>\n<tbody>\n");
	for (size_t i = 0; i < sm->nc; i++) {
		const struct summary_cause *c = &sm->c[i];
		sb_adds(o, "<tr>");
		cell_count(o, c->tickets);
		sb_printf(o, "<td><code>%s</code><br>", c->id);
		html_rtext(o, sm->rs, c->title);
		sb_printf(o, "</td><td>%s</td>", severity_name(c->sev));
		cell_count(o, c->count);
		if (c->first != EVENT_NO_TIME)
			time_format_short(c->first, ts);
		sb_printf(o, "<td>%s</td><td>", c->first != EVENT_NO_TIME ? ts : "");
		for (size_t j = 0; j < c->tickets; j++) {
			if (j)
				sb_adds(o, ", ");
			html_name(o, sm->rs, sm->t[c->which[j]]->name);
		}
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody>\n</table></div>\n</section>\n");
}

static void tickets(struct strbuf *o, const struct summary *sm)
{
	sb_adds(o, "<section>\n<h2>Tickets</h2>\n<div "
		   "class=\"wide\"><table>\n<thead><tr><th>Ticket</th><th "
		   "class=\"n\">Files</th><th class=\"n\">Rows</th><th class=\"n\">Findings</th>"
		   "<th>Top cause</th><th>Input errors</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < sm->n; k++) {
		const struct summary_ticket *tk = sm->t[k];
		sb_adds(o, "<tr><td>");
		html_name(o, sm->rs, tk->name);
		sb_adds(o, "</td>");
		cell_count(o, tk->files);
		cell_count(o, tk->records);
		cell_count(o, tk->nf);
		sb_adds(o, "<td>");
		if (tk->nf) {
			sb_printf(o,
				  "<span class=\"badge\" style=\"background:var(--%s)\">%s</span>"
				  "<code>%s</code> ",
				  severity_name(tk->f[0].sev), severity_name(tk->f[0].sev),
				  tk->f[0].id);
			html_rtext(o, sm->rs, &tk->f[0].title);
		} else {
			sb_adds(o, tk->records ? "no failure found" : "nothing read");
		}
		sb_adds(o, "</td><td>");
		for (size_t i = 0; i < tk->nnotes && i < NOTES_SHOWN; i++) {
			struct strbuf b = {0};
			if (i)
				sb_adds(o, "<br>");
			sb_printf(&b, "%s: ", render_level_name(tk->notes[i].level));
			summary_note_text(&b, sm->rs, &tk->notes[i]);
			render_html_text(o, sb_str(&b));
			sb_free(&b);
		}
		uint64_t more = tk->nnotes > NOTES_SHOWN ? tk->nnotes - NOTES_SHOWN : 0;
		more += tk->notes_dropped;
		if (more)
			sb_printf(o, "<br>(+%llu more)", (unsigned long long)more);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</tbody>\n</table></div>\n</section>\n");
}

void summary_html(struct strbuf *o, const struct summary *sm)
{
	sb_adds(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; img-src data:\">\n"
		   "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" "
		   "content=\"sfdiag\">\n<title>sfdiag triage: ");
	sb_printf(o, "%zu ticket%s, %zu incident%s", sm->n, sm->n == 1 ? "" : "s", sm->ninc,
		  sm->ninc == 1 ? "" : "s");
	sb_printf(o,
		  "</title>\n<style>\n%s.incidents ol{padding-left:1.2em}"
		  ".incidents li{padding-left:.6em;margin:.8em 0}.incidents p{margin:.2em 0}"
		  ".onsets svg{min-width:0!important;max-width:640px}"
		  ".wide{overflow-x:auto}.wide table{min-width:520px}"
		  "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>sfdiag triage ",
		  render_html_css);
	html_name(o, sm->rs, sm->dir);
	sb_printf(o, "</h1>\n<p class=\"verdict %s\">%zu ticket%s, %zu incident%s, %zu cause%s",
		  sm->ninc ? "error"
		  : sm->nc ? "warning"
			   : "ok",
		  sm->n, sm->n == 1 ? "" : "s", sm->ninc, sm->ninc == 1 ? "" : "s", sm->nc,
		  sm->nc == 1 ? "" : "s");
	sb_adds(o, "</p>\n<p class=\"muted\">");
	sb_printf(o, "%zu file%s, ", sm->files, sm->files == 1 ? "" : "s");
	render_count(o, sm->records);
	sb_printf(o, " row%s read", sm->records == 1 ? "" : "s");
	if (sm->trouble)
		sb_printf(o, "; %zu ticket%s with input errors", sm->trouble,
			  sm->trouble == 1 ? "" : "s");
	sb_adds(o, ".</p>\n</header>\n");
	incidents(o, sm);
	onsets(o, sm);
	causes(o, sm);
	tickets(o, sm);
	sb_adds(o, "</main>\n<footer>Made by sfdiag, offline: this page loads nothing from the "
		   "network.</footer>\n</body>\n</html>\n");
}
