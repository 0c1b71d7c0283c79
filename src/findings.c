/*
 * findings.c - see findings.h.
 */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "matcher.h"
#include "util.h"

/* ---- tally ---- */

void tally_add(struct tally *t, const char *s, size_t n, uint64_t k)
{
	t->total += k;
	if (t->cap == 0) {
		t->cap = 16;
		t->slot = xcalloc(t->cap, sizeof *t->slot);
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
	if (t->count >= SFDIAG_MAX_DISTINCT) {
		t->untracked += k;
		return;
	}
	if ((t->count + 1) * 2 > t->cap) {
		struct tally_entry *old = t->slot;
		size_t ocap = t->cap;
		t->cap *= 2;
		t->slot = xcalloc(t->cap, sizeof *t->slot);
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
	return hash_bytes(u, un) * 31 ^ hash_bytes(a, an);
}

static int pair_eq(const char *s, const char *u, size_t un)
{
	return strncmp(s, u, un) == 0 && s[un] == '\0';
}

/* ---- findings ---- */

void findings_init(struct findings *f, const struct ruleset *rs)
{
	memset(f, 0, sizeof *f);
	f->rs = rs;
	f->by_rule = xcalloc(rs->nrules + 1, sizeof *f->by_rule);
	f->first = f->last = EVENT_NO_TIME;
}

static void free_example(struct example *e)
{
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
	for (size_t i = 0; i < f->scap; i++) {
		free(f->succ[i].user);
		free(f->succ[i].application);
	}
	free(f->succ);
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

static void add_success(struct findings *f, const struct event *ev)
{
	const struct ruleset *rs = f->rs;
	size_t un, an;
	const char *u = val(ev, rs->f_user, &un), *a = val(ev, rs->f_application, &an);
	if (f->scap == 0) {
		f->scap = 64;
		f->succ = xcalloc(f->scap, sizeof *f->succ);
	}
	uint64_t h = pair_hash(u, un, a, an);
	size_t mask = f->scap - 1, i = (size_t)h & mask;
	while (f->succ[i].user) {
		struct success *s = &f->succ[i];
		if (pair_eq(s->user, u, un) && pair_eq(s->application, a, an)) {
			s->count++;
			widen(&s->first, &s->last, ev->time_ms);
			return;
		}
		i = (i + 1) & mask;
	}
	if (f->scount >= SFDIAG_MAX_GROUPS * 4) {
		f->succ_untracked++;
		return;
	}
	if ((f->scount + 1) * 2 > f->scap) {
		struct success *old = f->succ;
		size_t ocap = f->scap;
		f->scap *= 2;
		f->succ = xcalloc(f->scap, sizeof *f->succ);
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j].user)
				continue;
			uint64_t oh = pair_hash(old[j].user, strlen(old[j].user), old[j].application,
			                        strlen(old[j].application));
			size_t x = (size_t)oh & (f->scap - 1);
			while (f->succ[x].user)
				x = (x + 1) & (f->scap - 1);
			f->succ[x] = old[j];
		}
		free(old);
		mask = f->scap - 1;
		i = (size_t)h & mask;
		while (f->succ[i].user)
			i = (i + 1) & mask;
	}
	struct success *s = &f->succ[i];
	s->user = xstrndup(u, un);
	s->application = xstrndup(a, an);
	s->count = 1;
	s->first = s->last = EVENT_NO_TIME;
	widen(&s->first, &s->last, ev->time_ms);
	f->scount++;
}

const struct success *findings_success(const struct findings *f, const char *user,
                                       const char *application)
{
	if (f->scap == 0)
		return NULL;
	size_t un = strlen(user), an = strlen(application);
	size_t mask = f->scap - 1;
	size_t i = (size_t)pair_hash(user, un, application, an) & mask;
	while (f->succ[i].user) {
		if (strcmp(f->succ[i].user, user) == 0 && strcmp(f->succ[i].application, application) == 0)
			return &f->succ[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static struct group *find_group(struct finding *fi, const char *u, size_t un, const char *a,
                                size_t an)
{
	if (fi->gcap == 0) {
		fi->gcap = 16;
		fi->groups = xcalloc(fi->gcap, sizeof *fi->groups);
	}
	uint64_t h = pair_hash(u, un, a, an);
	size_t mask = fi->gcap - 1, i = (size_t)h & mask;
	while (fi->groups[i].user) {
		struct group *g = &fi->groups[i];
		if (pair_eq(g->user, u, un) && pair_eq(g->application, a, an))
			return g;
		i = (i + 1) & mask;
	}
	if (fi->ngroups >= SFDIAG_MAX_GROUPS)
		return NULL;
	if ((fi->ngroups + 1) * 2 > fi->gcap) {
		struct group *old = fi->groups;
		size_t ocap = fi->gcap;
		fi->gcap *= 2;
		fi->groups = xcalloc(fi->gcap, sizeof *fi->groups);
		for (size_t j = 0; j < ocap; j++) {
			if (!old[j].user)
				continue;
			uint64_t oh = pair_hash(old[j].user, strlen(old[j].user), old[j].application,
			                        strlen(old[j].application));
			size_t x = (size_t)oh & (fi->gcap - 1);
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
	g->first = g->last = EVENT_NO_TIME;
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

void findings_add(struct findings *f, const struct event *ev, int verdict)
{
	const struct ruleset *rs = f->rs;
	f->events++;
	widen(&f->first, &f->last, ev->time_ms);
	if (ev->time_ms == EVENT_NO_TIME)
		f->untimed++;
	else if (ev->zone == TIME_ZONE_NONE)
		f->zone_none++;
	else if (ev->zone == TIME_ZONE_UNKNOWN)
		f->zone_unknown++;
	if (ev->time_flags & TIME_AMBIGUOUS_DMY)
		f->ambiguous_dmy++;
	if (verdict == MATCH_SUCCESS) {
		f->successes++;
		add_success(f, ev);
		return;
	}
	f->failures++;

	size_t slot = verdict >= 0 ? (size_t)verdict : rs->nrules;
	struct finding *fi = f->by_rule[slot];
	if (!fi) {
		fi = xcalloc(1, sizeof *fi);
		fi->rule = verdict >= 0 ? verdict : -1;
		fi->first = fi->last = EVENT_NO_TIME;
		f->by_rule[slot] = fi;
	}
	fi->count++;
	widen(&fi->first, &fi->last, ev->time_ms);
	if (ev->time_ms == EVENT_NO_TIME)
		fi->untimed++;

	track(fi, rs->f_user, ev);
	track(fi, rs->f_application, ev);
	track(fi, rs->f_source_ip, ev);
	track(fi, rs->f_status, ev);
	if (verdict >= 0) {
		const struct rule *r = &rs->rules[verdict];
		for (size_t i = 0; i < rs->nfields; i++) {
			int fld = (int)i;
			if (r->placeholders[i] && fld != rs->f_time && fld != rs->f_user &&
			    fld != rs->f_application && fld != rs->f_source_ip && fld != rs->f_status)
				track(fi, fld, ev);
		}
	}

	size_t un, an;
	const char *u = val(ev, rs->f_user, &un), *a = val(ev, rs->f_application, &an);
	struct group *g = find_group(fi, u, un, a, an);
	if (g) {
		g->count++;
		widen(&g->first, &g->last, ev->time_ms);
		size_t in;
		const char *ip = val(ev, rs->f_source_ip, &in);
		tally_add(&g->ips, ip, in, 1);
	} else {
		fi->ungrouped++;
	}

	if (fi->nex < SFDIAG_MAX_EXAMPLES) {
		struct example *e = &fi->ex[fi->nex++];
		e->file = keep_file(f, ev->file);
		e->file_seq = ev->file_seq;
		e->line = ev->line;
		e->time_ms = ev->time_ms;
		e->status = val_dup(ev, rs->f_status);
		e->user = val_dup(ev, rs->f_user);
		e->application = val_dup(ev, rs->f_application);
		e->source_ip = val_dup(ev, rs->f_source_ip);
	}
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
		if (fi)
			k[n++] = (struct sort_key){finding_severity(f, fi), fi->count, finding_id(f, fi), fi};
	}
	qsort(k, n, sizeof *k, cmp_key);
	const struct finding **v = xmalloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = k[i].fi;
	free(k);
	*out = v;
	return n;
}
