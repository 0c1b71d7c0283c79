/*
 * findings.c - see findings.h.
 */
#include "engine/findings.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "engine/matcher.h"
#include "rules/report_conf.h"

/* ---- tally ---- */

/* The tables below are grown by allocating first and setting the capacity
 * after, so that an allocation that fails inside an out-of-memory guard
 * (base/util.h) leaves a table that can still be freed. */
void tally_add(struct tally *t, const char *s, size_t n, uint64_t k)
{
	t->total += k;
	if (t->cap == 0) {
		t->slot = xcalloc(16, sizeof *t->slot);
		t->cap = 16;
	}
	uint64_t h = hash_bytes(s, n);
	size_t mask = t->cap - 1, i = (size_t)h & mask;
	while (t->slot[i].s) {
		struct tally_entry *e = &t->slot[i];
		if (e->hash == h && e->n == n && memcmp(e->s, s, n) == 0) {
			e->count += k;
			return;
		}
		i = (i + 1) & mask;
	}
	if (t->count >= (t->limit ? t->limit : SFDIAG_MAX_DISTINCT)) {
		t->untracked += k;
		return;
	}
	if ((t->count + 1) * 2 > t->cap) {
		struct tally_entry *old = t->slot;
		size_t ocap = t->cap;
		t->slot = xcalloc(ocap * 2, sizeof *t->slot);
		t->cap = ocap * 2;
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j].s)
				continue;
			size_t x = (size_t)old[j].hash & (t->cap - 1);
			while (t->slot[x].s)
				x = (x + 1) & (t->cap - 1);
			t->slot[x] = old[j];
		}
		free(old);
		mask = t->cap - 1;
		i = (size_t)h & mask;
		while (t->slot[i].s)
			i = (i + 1) & mask;
	}
	struct tally_entry *e = &t->slot[i];
	e->s = xstrndup(s, n);
	e->n = n;
	e->hash = h;
	e->count = k;
	t->count++;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct tally_entry *x = *(const struct tally_entry *const *)a;
	const struct tally_entry *y = *(const struct tally_entry *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->s, y->s);
}

size_t tally_top(const struct tally *t, const struct tally_entry **out, size_t max)
{
	if (t->count == 0 || max == 0)
		return 0;
	const struct tally_entry **all = xmalloc(t->count * sizeof *all);
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].s)
			all[n++] = &t->slot[i];
	qsort(all, n, sizeof *all, cmp_entry);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof *out);
	free(all);
	return n;
}

void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slot[i].s);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* ---- helpers ---- */

static const char *val(const struct event *ev, int f, size_t *n)
{
	if (f < 0 || !ev->val[f]) {
		*n = 0;
		return "";
	}
	*n = ev->len[f];
	return ev->val[f];
}

static char *val_dup(const struct event *ev, int f)
{
	size_t n;
	const char *v = val(ev, f, &n);
	return xstrndup(v, n);
}

static void widen(int64_t *first, int64_t *last, int64_t t)
{
	if (t == EVENT_NO_TIME)
		return;
	if (*first == EVENT_NO_TIME || t < *first)
		*first = t;
	if (*last == EVENT_NO_TIME || t > *last)
		*last = t;
}

/* Hash of the (user, application) pair. */
static uint64_t pair_hash(const char *u, size_t un, const char *a, size_t an)
{
	return (hash_bytes(u, un) * 31 ^ hash_bytes(a, an)) | 1;
}

/* Does the record (user, application) of hash h equal (u, a)? */
#define PAIR_EQ(rec, h, u, un, a, an)                                                              \
	((rec)->hash == (h) && (rec)->ulen == (un) && (rec)->alen == (an) &&                       \
	 memcmp((rec)->user, (u), (un)) == 0 && memcmp((rec)->application, (a), (an)) == 0)

/* ---- timeline (see struct timeline_axis) ---- */

#define HOUR_MS INT64_C(3600000)
#define DAY_MS	(24 * HOUR_MS)
#define TL_N	((int64_t)SFDIAG_TIMELINE_BUCKETS)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Call fn on every series of f: the successes, then each finding's. */
static void each_series(struct findings *f, void (*fn)(uint64_t *v, void *ctx), void *ctx)
{
	fn(f->succ_timeline, ctx);
	for (size_t i = 0; i <= f->rs->nrules; i++)
		if (f->by_rule[i])
			fn(f->by_rule[i]->timeline, ctx);
}

struct rebase {
	int64_t old_origin, new_origin, factor; /* factor: new width / old width */
};

/* Move a series' counts to a new origin and (possibly wider) width.  Slots
 * map one to one at the same width, many to one when widening. */
static void rebase_series(uint64_t *v, void *ctx)
{
	const struct rebase *rb = ctx;
	uint64_t tmp[SFDIAG_TIMELINE_BUCKETS] = {0};
	for (int64_t i = 0; i < TL_N; i++) {
		if (!v[i])
			continue;
		int64_t j = floor_div(rb->old_origin + i, rb->factor) - rb->new_origin;
		if (j >= 0 && j < TL_N)
			tmp[j] += v[i];
	}
	memcpy(v, tmp, sizeof tmp);
}

static int64_t next_width(int64_t w)
{
	return w == HOUR_MS ? DAY_MS : 2 * w;
}

/* Widen and shift the axis (rebasing every series) so that it holds time t
 * in buckets at least min_width wide; returns t's bucket index. */
static int64_t axis_fit(struct findings *f, int64_t t, int64_t min_width)
{
	struct timeline_axis *ax = &f->axis;
	if (ax->width_ms == 0) {
		ax->width_ms = HOUR_MS;
		while (ax->width_ms < min_width)
			ax->width_ms = next_width(ax->width_ms);
		ax->origin = ax->lo = ax->hi = floor_div(t, ax->width_ms);
		return ax->lo;
	}
	int64_t w = ax->width_ms, lo_t = ax->lo * w, hi_t = ax->hi * w;
	while (w < min_width ||
	       floor_div(t < hi_t ? hi_t : t, w) - floor_div(t < lo_t ? t : lo_t, w) >= TL_N)
		w = next_width(w);
	int64_t lo = floor_div(t < lo_t ? t : lo_t, w), hi = floor_div(t < hi_t ? hi_t : t, w);
	int64_t origin = floor_div(ax->origin * ax->width_ms, w);
	if (lo < origin)
		origin = lo;
	if (hi >= origin + TL_N)
		origin = hi - TL_N + 1;
	if (w != ax->width_ms || origin != ax->origin) {
		struct rebase rb = {ax->origin, origin, w / ax->width_ms};
		each_series(f, rebase_series, &rb);
		ax->width_ms = w;
		ax->origin = origin;
	}
	ax->lo = lo;
	ax->hi = hi;
	return floor_div(t, w);
}

/* Count k events at time t (never EVENT_NO_TIME) in series v of f. */
static void timeline_add(struct findings *f, uint64_t *v, int64_t t, uint64_t k)
{
	int64_t b = axis_fit(f, t, 0);
	v[b - f->axis.origin] += k;
}

/* ---- findings ---- */

void findings_init(struct findings *f, const struct ruleset *rs)
{
	memset(f, 0, sizeof *f);
	f->rs = rs;
	f->by_rule = xcalloc(rs->nrules + 1, sizeof *f->by_rule);
	f->first = f->last = EVENT_NO_TIME;
	f->login_first = f->login_last = EVENT_NO_TIME;
	f->integ_users.limit = f->integ_apps.limit = SFDIAG_MAX_INTEGRATION;
	f->login_type = rules_field(rs, "login_type");
}

static void free_example(struct example *e)
{
	free(e->detail);
	free(e->status);
	free(e->user);
	free(e->application);
	free(e->source_ip);
}

static void free_finding(struct finding *fi)
{
	for (size_t i = 0; i < SFDIAG_MAX_FIELDS; i++) {
		if (fi->tally[i]) {
			tally_free(fi->tally[i]);
			free(fi->tally[i]);
		}
	}
	tally_free(&fi->said);
	for (size_t i = 0; i < fi->gcap; i++) {
		if (!fi->groups[i].user)
			continue;
		free(fi->groups[i].user);
		free(fi->groups[i].application);
		tally_free(&fi->groups[i].ips);
	}
	free(fi->groups);
	for (size_t i = 0; i < fi->nex; i++)
		free_example(&fi->ex[i]);
	free(fi);
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i <= f->rs->nrules; i++)
		if (f->by_rule[i])
			free_finding(f->by_rule[i]);
	free(f->by_rule);
	free(f->succ);
	tally_free(&f->integ_users);
	tally_free(&f->integ_apps);
	for (size_t i = 0; i < f->nfiles; i++)
		free(f->files[i]);
	free(f->files);
	memset(f, 0, sizeof *f);
}

/* The file name as kept by f (examples point at it). */
static const char *keep_file(struct findings *f, const char *name)
{
	for (size_t i = f->nfiles; i-- > 0;)
		if (strcmp(f->files[i], name) == 0)
			return f->files[i];
	size_t cap = f->nfiles;
	f->files = xgrow(f->files, &cap, f->nfiles + 1, sizeof *f->files);
	f->files[f->nfiles] = xstrdup(name);
	return f->files[f->nfiles++];
}

/* The success record of pair hash h: found, or added with count 0; NULL when
 * SFDIAG_MAX_SUCCESS_PAIRS are tracked already. */
static struct success *success_slot(struct findings *f, uint64_t h)
{
	if (f->scap == 0) {
		f->succ = xcalloc(64, sizeof *f->succ);
		f->scap = 64;
	}
	size_t mask = f->scap - 1, i = (size_t)h & mask;
	while (f->succ[i].hash) {
		if (f->succ[i].hash == h)
			return &f->succ[i];
		i = (i + 1) & mask;
	}
	if (f->scount >= SFDIAG_MAX_SUCCESS_PAIRS)
		return NULL;
	if ((f->scount + 1) * 2 > f->scap) {
		struct success *old = f->succ;
		size_t ocap = f->scap;
		f->succ = xcalloc(ocap * 2, sizeof *f->succ);
		f->scap = ocap * 2;
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j].hash)
				continue;
			size_t x = (size_t)old[j].hash & (f->scap - 1);
			while (f->succ[x].hash)
				x = (x + 1) & (f->scap - 1);
			f->succ[x] = old[j];
		}
		free(old);
		mask = f->scap - 1;
		i = (size_t)h & mask;
		while (f->succ[i].hash)
			i = (i + 1) & mask;
	}
	struct success *s = &f->succ[i];
	s->hash = h;
	s->first = s->last = EVENT_NO_TIME;
	f->scount++;
	return s;
}

static void add_success(struct findings *f, const struct event *ev)
{
	const struct ruleset *rs = f->rs;
	size_t un, an;
	const char *u = val(ev, rs->f.user, &un), *a = val(ev, rs->f.application, &an);
	struct success *s = success_slot(f, pair_hash(u, un, a, an));
	if (!s) {
		f->succ_untracked++;
		return;
	}
	s->count++;
	size_t in;
	const char *ip = val(ev, rs->f.source_ip, &in);
	if (s->last == EVENT_NO_TIME || ev->time_ms >= s->last) {
		size_t k = in < sizeof s->last_ip - 1 ? in : sizeof s->last_ip - 1;
		memcpy(s->last_ip, ip, k);
		s->last_ip[k] = '\0';
	}
	widen(&s->first, &s->last, ev->time_ms);
}

const struct success *findings_success(const struct findings *f, const char *user,
				       const char *application)
{
	if (f->scap == 0)
		return NULL;
	uint64_t h = pair_hash(user, strlen(user), application, strlen(application));
	size_t mask = f->scap - 1, i = (size_t)h & mask;
	while (f->succ[i].hash) {
		if (f->succ[i].hash == h)
			return &f->succ[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static struct group *find_group(struct finding *fi, const char *u, size_t un, const char *a,
				size_t an)
{
	if (fi->gcap == 0) {
		fi->groups = xcalloc(16, sizeof *fi->groups);
		fi->gcap = 16;
	}
	uint64_t h = pair_hash(u, un, a, an);
	size_t mask = fi->gcap - 1, i = (size_t)h & mask;
	while (fi->groups[i].user) {
		struct group *g = &fi->groups[i];
		if (PAIR_EQ(g, h, u, un, a, an))
			return g;
		i = (i + 1) & mask;
	}
	if (fi->ngroups >= SFDIAG_MAX_GROUPS)
		return NULL;
	if ((fi->ngroups + 1) * 2 > fi->gcap) {
		struct group *old = fi->groups;
		size_t ocap = fi->gcap;
		fi->groups = xcalloc(ocap * 2, sizeof *fi->groups);
		fi->gcap = ocap * 2;
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j].user)
				continue;
			size_t x = (size_t)old[j].hash & (fi->gcap - 1);
			while (fi->groups[x].user)
				x = (x + 1) & (fi->gcap - 1);
			fi->groups[x] = old[j];
		}
		free(old);
		mask = fi->gcap - 1;
		i = (size_t)h & mask;
		while (fi->groups[i].user)
			i = (i + 1) & mask;
	}
	struct group *g = &fi->groups[i];
	g->user = xstrndup(u, un);
	g->application = xstrndup(a, an);
	g->ulen = un;
	g->alen = an;
	g->hash = h;
	g->first = g->last = EVENT_NO_TIME;
	g->ips.limit = SFDIAG_MAX_GROUP_IPS;
	fi->ngroups++;
	return g;
}

static void track(struct finding *fi, int field, const struct event *ev)
{
	if (field < 0)
		return;
	if (!fi->tally[field])
		fi->tally[field] = xcalloc(1, sizeof *fi->tally[field]);
	size_t n;
	const char *v = val(ev, field, &n);
	tally_add(fi->tally[field], v, n, 1);
}

/* The finding in slot (a rule index, or nrules for unrecognized), created empty. */
static struct finding *finding_for(struct findings *f, size_t slot)
{
	struct finding *fi = f->by_rule[slot];
	if (!fi) {
		fi = xcalloc(1, sizeof *fi);
		fi->rule = slot < f->rs->nrules ? (int)slot : -1;
		fi->explained_by = -1;
		fi->first = fi->last = EVENT_NO_TIME;
		f->by_rule[slot] = fi;
	}
	return fi;
}

void findings_count(struct findings *f, const struct event *ev)
{
	f->events++;
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (ev->kind == 1u << k)
			f->kind_events[k]++;
	widen(&f->first, &f->last, ev->time_ms);
	if (ev->kind == KIND_LOGIN_HISTORY) {
		widen(&f->login_first, &f->login_last, ev->time_ms);
	} else {
		const struct ruleset *rs = f->rs;
		size_t un, an;
		const char *u = val(ev, rs->f.user, &un), *a = val(ev, rs->f.application, &an);
		if (un)
			tally_add(&f->integ_users, u, un, 1);
		if (an)
			tally_add(&f->integ_apps, a, an, 1);
	}
	if (ev->time_ms == EVENT_NO_TIME)
		f->untimed++;
	else if (ev->zone == TIME_ZONE_NONE)
		f->zone_none++;
	else if (ev->zone == TIME_ZONE_UNKNOWN)
		f->zone_unknown++;
	if (ev->time_flags & TIME_AMBIGUOUS_DMY)
		f->ambiguous_dmy++;
}

void findings_add(struct findings *f, const struct event *ev, int verdict)
{
	const struct ruleset *rs = f->rs;
	if (verdict == MATCH_SUCCESS) {
		f->successes++;
		add_success(f, ev);
		if (ev->time_ms != EVENT_NO_TIME)
			timeline_add(f, f->succ_timeline, ev->time_ms, 1);
		return;
	}
	if (!(ev->kind & KIND_CHECKLIST))
		f->failures++;

	struct finding *fi = finding_for(f, verdict >= 0 ? (size_t)verdict : rs->nrules);
	fi->count++;
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (ev->kind & kind_table[k].bit)
			fi->kind_count[k]++;
	if (rs->f.user >= 0 && (ev->fell_back >> rs->f.user & 1))
		fi->user_fell_back++;
	widen(&fi->first, &fi->last, ev->time_ms);
	if (ev->time_ms == EVENT_NO_TIME)
		fi->untimed++;
	else
		timeline_add(f, fi->timeline, ev->time_ms, 1);

	/* Each evidence field once: the engine's, a response's, the rule's. */
	unsigned char want[SFDIAG_MAX_FIELDS] = {0};
	const int engine[] = {rs->f.user, rs->f.application, rs->f.source_ip, rs->f.status,
			      f->login_type};
	for (size_t i = 0; i < sizeof engine / sizeof engine[0]; i++)
		if (engine[i] >= 0)
			want[engine[i]] = 1;
	if (ev->kind != KIND_LOGIN_HISTORY) {
		const int names[] = {rs->f.host, rs->f.http_status, rs->f.client, rs->f.grant_type};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			want[names[i]] = 1;
	}
	if (verdict >= 0)
		for (size_t i = 0; i < rs->nfields; i++)
			want[i] |= rs->rules[verdict].placeholders[i];
	else if (rs->report)
		/* what the draft rule of report.conf may test (report/model.c) */
		for (size_t i = 0; i < rs->report->ndraft_fields; i++)
			if (rs->report->draft_fields[i].kind & ev->kind)
				want[rs->report->draft_fields[i].field] = 1;
	for (size_t i = 0; i < rs->nfields; i++)
		if (want[i] && (int)i != rs->f.time)
			track(fi, (int)i, ev);

	size_t un, an;
	const char *u = val(ev, rs->f.user, &un), *a = val(ev, rs->f.application, &an);
	struct group *g = find_group(fi, u, un, a, an);
	if (g) {
		g->count++;
		widen(&g->first, &g->last, ev->time_ms);
		size_t in;
		const char *ip = val(ev, rs->f.source_ip, &in);
		tally_add(&g->ips, ip, in, 1);
	} else {
		fi->ungrouped++;
	}

	struct strbuf said = {0};
	if (ev->kind != KIND_LOGIN_HISTORY) {
		findings_signature(rs, ev, &said);
		if (said.len)
			tally_add(&fi->said, said.buf, said.len, 1);
	}
	if (fi->nex < SFDIAG_MAX_EXAMPLES) {
		struct example *e = &fi->ex[fi->nex++];
		e->detail = said.len ? xstrdup(said.buf) : NULL;
		e->file = keep_file(f, ev->file);
		e->file_seq = ev->file_seq;
		e->line = ev->line;
		e->time_ms = ev->time_ms;
		e->status = val_dup(ev, rs->f.status);
		e->user = val_dup(ev, rs->f.user);
		e->application = val_dup(ev, rs->f.application);
		e->source_ip = val_dup(ev, rs->f.source_ip);
	}
	sb_free(&said);
}

enum severity finding_severity(const struct findings *f, const struct finding *fi)
{
	return fi->rule >= 0 ? f->rs->rules[fi->rule].severity : SEV_WARNING;
}

const char *finding_id(const struct findings *f, const struct finding *fi)
{
	return fi->rule >= 0 ? f->rs->rules[fi->rule].id : "unrecognized-failure";
}

const char *finding_title(const struct findings *f, const struct finding *fi)
{
	return fi->rule >= 0 ? f->rs->rules[fi->rule].title
			     : "Login failures that no rule explains";
}

struct sort_key {
	enum severity sev;
	uint64_t count;
	const char *id;
	const struct finding *fi;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->id, y->id);
}

size_t findings_sorted(const struct findings *f, const struct finding ***out)
{
	size_t n = 0;
	struct sort_key *k = xmalloc((f->rs->nrules + 1) * sizeof *k);
	for (size_t i = 0; i <= f->rs->nrules; i++) {
		const struct finding *fi = f->by_rule[i];
		if (fi && fi->explained_by < 0)
			k[n++] = (struct sort_key){finding_severity(f, fi), fi->count,
						   finding_id(f, fi), fi};
	}
	qsort(k, n, sizeof *k, cmp_key);
	const struct finding **v = xmalloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = k[i].fi;
	free(k);
	*out = v;
	return n;
}

static void tally_merge(struct tally *dst, const struct tally *src)
{
	for (size_t i = 0; i < src->cap; i++)
		if (src->slot[i].s)
			tally_add(dst, src->slot[i].s, src->slot[i].n, src->slot[i].count);
	dst->untracked += src->untracked;
	dst->total += src->untracked;
}

static int example_before(const struct example *a, const struct example *b)
{
	return a->file_seq != b->file_seq ? a->file_seq < b->file_seq : a->line < b->line;
}

/* Keep the earliest SFDIAG_MAX_EXAMPLES rows of both, by (file, line). */
static void merge_examples(struct findings *dst, struct finding *df, const struct finding *sf)
{
	struct example all[2 * SFDIAG_MAX_EXAMPLES];
	size_t n = 0, i = 0, j = 0;
	while (n < SFDIAG_MAX_EXAMPLES && (i < df->nex || j < sf->nex)) {
		if (j >= sf->nex || (i < df->nex && example_before(&df->ex[i], &sf->ex[j]))) {
			all[n++] = df->ex[i++];
		} else {
			const struct example *e = &sf->ex[j++];
			struct example *c = &all[n++];
			*c = *e;
			c->file = keep_file(dst, e->file);
			c->status = xstrdup(e->status);
			c->user = xstrdup(e->user);
			c->application = xstrdup(e->application);
			c->source_ip = xstrdup(e->source_ip);
			c->detail = e->detail ? xstrdup(e->detail) : NULL;
		}
	}
	for (; i < df->nex; i++)
		free_example(&df->ex[i]);
	memcpy(df->ex, all, n * sizeof *all);
	df->nex = n;
}

/* Add src's series v (on src's axis) to dst's series w. */
static void timeline_merge(struct findings *dst, uint64_t *w, const struct findings *src,
			   const uint64_t *v)
{
	for (int64_t i = 0; i < TL_N; i++)
		if (v[i])
			timeline_add(dst, w, (src->axis.origin + i) * src->axis.width_ms, v[i]);
}

void findings_merge(struct findings *dst, const struct findings *src)
{
	/* Widen dst to src's buckets first, so that each lands whole in one. */
	if (src->axis.width_ms) {
		axis_fit(dst, src->axis.lo * src->axis.width_ms, src->axis.width_ms);
		axis_fit(dst, src->axis.hi * src->axis.width_ms, src->axis.width_ms);
	}
	dst->events += src->events;
	for (unsigned k = 0; k < KIND_COUNT; k++)
		dst->kind_events[k] += src->kind_events[k];
	dst->successes += src->successes;
	dst->failures += src->failures;
	dst->zone_none += src->zone_none;
	dst->zone_unknown += src->zone_unknown;
	dst->ambiguous_dmy += src->ambiguous_dmy;
	dst->untimed += src->untimed;
	dst->succ_untracked += src->succ_untracked;
	tally_merge(&dst->integ_users, &src->integ_users);
	tally_merge(&dst->integ_apps, &src->integ_apps);
	widen(&dst->first, &dst->last, src->first);
	widen(&dst->first, &dst->last, src->last);
	widen(&dst->login_first, &dst->login_last, src->login_first);
	widen(&dst->login_first, &dst->login_last, src->login_last);

	for (size_t i = 0; i < src->scap; i++) {
		const struct success *s = &src->succ[i];
		if (!s->hash)
			continue;
		struct success *d = success_slot(dst, s->hash);
		if (!d) {
			dst->succ_untracked += s->count;
			continue;
		}
		d->count += s->count;
		if (d->last == EVENT_NO_TIME || (s->last != EVENT_NO_TIME && s->last >= d->last))
			memcpy(d->last_ip, s->last_ip, sizeof d->last_ip);
		widen(&d->first, &d->last, s->first);
		widen(&d->first, &d->last, s->last);
	}
	if (src->axis.width_ms)
		timeline_merge(dst, dst->succ_timeline, src, src->succ_timeline);

	for (size_t slot = 0; slot <= src->rs->nrules; slot++) {
		const struct finding *sf = src->by_rule[slot];
		if (!sf)
			continue;
		struct finding *df = finding_for(dst, slot);
		if (src->axis.width_ms)
			timeline_merge(dst, df->timeline, src, sf->timeline);
		df->count += sf->count;
		df->untimed += sf->untimed;
		df->user_fell_back += sf->user_fell_back;
		for (unsigned k = 0; k < KIND_COUNT; k++)
			df->kind_count[k] += sf->kind_count[k];
		df->ungrouped += sf->ungrouped;
		widen(&df->first, &df->last, sf->first);
		widen(&df->first, &df->last, sf->last);
		for (size_t f = 0; f < SFDIAG_MAX_FIELDS; f++) {
			if (!sf->tally[f])
				continue;
			if (!df->tally[f])
				df->tally[f] = xcalloc(1, sizeof *df->tally[f]);
			tally_merge(df->tally[f], sf->tally[f]);
		}
		tally_merge(&df->said, &sf->said);
		for (size_t g = 0; g < sf->gcap; g++) {
			const struct group *sg = &sf->groups[g];
			if (!sg->user)
				continue;
			struct group *dg =
			    find_group(df, sg->user, sg->ulen, sg->application, sg->alen);
			if (!dg) {
				df->ungrouped += sg->count;
				continue;
			}
			dg->count += sg->count;
			widen(&dg->first, &dg->last, sg->first);
			widen(&dg->first, &dg->last, sg->last);
			tally_merge(&dg->ips, &sg->ips);
		}
		merge_examples(dst, df, sf);
	}
}

void findings_signature(const struct ruleset *rs, const struct event *ev, struct strbuf *out)
{
	const int pairs[][2] = {
	    {rs->f.error, rs->f.error_description},
	    {rs->f.error_code, rs->f.message},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int a = pairs[i][0], b = pairs[i][1];
		if (a < 0 || !ev->val[a] || ev->len[a] == 0)
			continue;
		const char *bv = b >= 0 && ev->len[b] ? ev->val[b] : NULL;
		size_t bn = bv ? ev->len[b] : 0;
		/* A SOAP faultstring repeats its code: "INVALID_LOGIN: Invalid ..." */
		int repeats = bv && bn > ev->len[a] && bv[ev->len[a]] == ':' &&
			      strncasecmp(bv, ev->val[a], ev->len[a]) == 0;
		if (!repeats) {
			sb_add(out, ev->val[a], ev->len[a]);
			if (bv)
				sb_adds(out, ": ");
		}
		if (bv)
			sb_add(out, bv, bn > 300 ? 300 : bn);
		return;
	}
	int st = rs->f.http_status, bk = rs->f.body_kind;
	int msg = rs->f.message;
	if (st >= 0 && ev->val[st] && ev->len[st]) {
		sb_adds(out, "HTTP ");
		sb_add(out, ev->val[st], ev->len[st]);
		if (bk >= 0 && ev->val[bk] && ev->len[bk]) {
			sb_addc(out, ' ');
			sb_add(out, ev->val[bk], ev->len[bk]);
		}
	} else if (msg >= 0 && ev->val[msg] && ev->len[msg]) {
		sb_add(out, ev->val[msg], ev->len[msg] > 300 ? 300 : ev->len[msg]);
	}
}

void findings_shift_lines(struct findings *f, long delta)
{
	for (size_t i = 0; i <= f->rs->nrules; i++) {
		struct finding *fi = f->by_rule[i];
		for (size_t k = 0; fi && k < fi->nex; k++)
			fi->ex[k].line += delta;
	}
}
