/*
 * test_changes.c - changes_link(): which Setup change is named as the
 * likely trigger of a finding, and which later change as its fix, on small
 * rule files written here (not the shipped rules).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapt/event.h"
#include "base/util.h"
#include "engine/changes.h"
#include "engine/classify.h"
#include "engine/findings.h"
#include "engine/matcher.h"
#include "report_fixture.h"
#include "rules/ruleset.h"
#include "unit.h"

static char dir[64];
static struct strbuf errors;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	sb_printf(&errors, "%s\n", msg);
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

#define STANZA_END "  fix f\n  ref r\n  example status=x\n  counter status=y\nend\n"
#define CHANGE_END "  fix f\n  ref r\n  example display=x\n  counter display=y\nend\n"

/* A frozen-user failure, a login-hours failure no change rule lists, and
 * change rules: a freeze (window 1h) that its unfreeze reverses, an
 * unrelated Apex change. */
static const char *rules =
    "rule frozen\n  title Frozen\n  severity error\n  applies login-history\n"
    "  when status ~ /^user is frozen$/i\n" STANZA_END
    "rule hours\n  title Hours\n  severity error\n  applies login-history\n"
    "  when status ~ /^restricted time$/i\n" STANZA_END
    "rule change-freeze\n  title Freeze\n  severity info\n  applies audit-trail\n"
    "  when display ~ /^froze user/i\n  triggers frozen\n  window 1h\n" CHANGE_END
    "rule change-unfreeze\n  title Unfreeze\n  severity info\n  applies audit-trail\n"
    "  when display ~ /^unfroze user/i\n  reverses change-freeze\n" CHANGE_END
    "rule change-apex\n  title Apex\n  severity info\n  applies audit-trail\n"
    "  when display ~ /apex/i\n" CHANGE_END;

enum { R_FROZEN, R_HOURS };

static const char *report_conf = UNIT_REPORT_CONF_REQUIRED;

static struct ruleset *load(void)
{
	strcpy(dir, "/tmp/sfdiag-test-changes-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file("fields.conf",
		   "field time\nfield user\nfield application\nfield status\nfield source_ip\n"
		   "field http_status\nfield host\nfield scheme\nfield path\nfield method\n"
		   "field grant_type\nfield content_type\nfield body_kind\nfield error\n"
		   "field error_description\nfield error_uri\nfield error_code\nfield message\n"
		   "field access_token\nfield client\nfield base_url\nfield padded\nfield empty\n"
		   "field unknown_keys\nfield login_type\n"
		   "field action\nfield display\nfield section\nfield delegate_user\n"
		   "require status\nsuccess status ~ /^success$/i\n");
	write_file("codes.conf", "");
	write_file("report.conf", report_conf);
	write_file("a.rules", rules);
	sb_reset(&errors);
	struct ruleset *rs = rules_load(dir, 1, collect, NULL);
	if (!rs) {
		fprintf(stderr, "test rules do not load:\n%s", sb_str(&errors));
		exit(1);
	}
	return rs;
}

static void unload(struct ruleset *rs)
{
	rules_free(rs);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* An event of kind at time when, with "field=value" pairs (NULL-terminated). */
static void make_event(struct event *ev, const struct ruleset *rs, unsigned kind, const char *when,
		       ...)
{
	va_list ap;
	event_clear(ev);
	ev->kind = kind;
	ev->file = "test";
	ev->line = 1;
	va_start(ap, when);
	const char *pair;
	while ((pair = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(pair, '=');
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(eq - pair), pair);
		int f = rules_field(rs, name);
		if (f < 0) {
			fprintf(stderr, "test: no field %s\n", name);
			exit(1);
		}
		size_t n = strlen(eq + 1);
		const char *kept = event_keep(ev, eq + 1, &n);
		event_set(ev, rs, f, kept, n);
	}
	va_end(ap);
	size_t n = strlen(when);
	const char *kept = event_keep(ev, when, &n);
	event_set(ev, rs, rs->f.time, kept, n);
	event_finish(ev, rs);
}

struct world {
	struct ruleset *rs;
	struct matcher *m;
	struct findings f;
	struct changes ch;
};

static void begin(struct world *w)
{
	w->rs = load();
	w->m = matcher_new(w->rs);
	findings_init(&w->f, w->rs);
	changes_init(&w->ch, w->rs);
}

static void change(struct world *w, const char *when, const char *display)
{
	struct event ev;
	char d[256];
	snprintf(d, sizeof d, "display=%s", display);
	make_event(&ev, w->rs, KIND_AUDIT_TRAIL, when, d, "user=admin@acme.example", NULL);
	changes_add(&w->ch, w->m, &ev);
}

static void login(struct world *w, const char *when, const char *status)
{
	struct event ev;
	char s[64];
	snprintf(s, sizeof s, "status=%s", status);
	make_event(&ev, w->rs, KIND_LOGIN_HISTORY, when, s, "user=sync@acme.example",
		   "application=CatalogSync", NULL);
	classify_event(w->m, &w->f, &ev);
}

static void end(struct world *w)
{
	changes_free(&w->ch);
	findings_free(&w->f);
	matcher_free(w->m);
	unload(w->rs);
}

/* The change named as trigger (its display), or "" */
static const char *trigger(const struct world *w, int rule)
{
	int k = w->ch.trigger[rule];
	return k >= 0 ? w->ch.c[k].display : "";
}

static void test_trigger(void)
{
	struct world w;
	/* Within the window before the first failure: named; an Apex change
	 * and a change after the failures began are not. */
	begin(&w);
	change(&w, "2026-11-03T13:20:00Z", "Froze user account for Someone Else");
	change(&w, "2026-11-03T13:58:00Z", "Changed CatalogSync Apex Class code");
	login(&w, "2026-11-03T14:02:00Z", "User is Frozen");
	login(&w, "2026-11-03T14:07:00Z", "User is Frozen");
	change(&w, "2026-11-03T14:05:00Z", "Froze user account for Later");
	changes_link(&w.ch, &w.f);
	CHECK_STR(trigger(&w, R_FROZEN), "Froze user account for Someone Else");
	CHECK_INT(w.ch.fixed[R_FROZEN], -1);
	end(&w);

	/* One that names the finding's user or app wins over a later one. */
	begin(&w);
	change(&w, "2026-11-03T13:20:00Z", "Froze user account for sync@acme.example");
	change(&w, "2026-11-03T13:50:00Z", "Froze user account for Someone Else");
	login(&w, "2026-11-03T14:02:00Z", "User is Frozen");
	changes_link(&w.ch, &w.f);
	CHECK_STR(trigger(&w, R_FROZEN), "Froze user account for sync@acme.example");
	end(&w);

	/* A change after the first failure is not its trigger, and a rule the
	 * change does not list (hours) is never blamed. */
	begin(&w);
	change(&w, "2026-11-03T12:45:00Z", "Froze user account for sync@acme.example");
	change(&w, "2026-11-03T13:55:00Z", "Froze user account for sync@acme.example again");
	login(&w, "2026-11-03T13:31:00Z", "User is Frozen");
	login(&w, "2026-11-03T14:00:00Z", "Restricted Time");
	changes_link(&w.ch, &w.f);
	CHECK_STR(trigger(&w, R_FROZEN), "Froze user account for sync@acme.example");
	CHECK_STR(trigger(&w, R_HOURS), "");
	end(&w);

	/* Outside the window (1h) before the first failure: nothing. */
	begin(&w);
	change(&w, "2026-11-03T12:00:00Z", "Froze user account for sync@acme.example");
	login(&w, "2026-11-03T14:02:00Z", "User is Frozen");
	changes_link(&w.ch, &w.f);
	CHECK_STR(trigger(&w, R_FROZEN), "");
	end(&w);
}

static void test_fixed(void)
{
	struct world w;
	/* The unfreeze after the last failure, followed by a success: fixed. */
	begin(&w);
	change(&w, "2026-11-03T13:58:00Z", "Froze user account for sync@acme.example");
	login(&w, "2026-11-03T14:02:00Z", "User is Frozen");
	login(&w, "2026-11-03T14:30:00Z", "User is Frozen");
	change(&w, "2026-11-03T14:40:00Z", "Unfroze user account for sync@acme.example");
	login(&w, "2026-11-03T14:45:00Z", "Success");
	changes_link(&w.ch, &w.f);
	CHECK(w.ch.fixed[R_FROZEN] >= 0);
	if (w.ch.fixed[R_FROZEN] >= 0)
		CHECK_STR(w.ch.c[w.ch.fixed[R_FROZEN]].display,
			  "Unfroze user account for sync@acme.example");
	end(&w);

	/* No success after it, or an unfreeze before the last failure: not. */
	begin(&w);
	change(&w, "2026-11-03T13:58:00Z", "Froze user account for sync@acme.example");
	login(&w, "2026-11-03T14:02:00Z", "User is Frozen");
	change(&w, "2026-11-03T14:10:00Z", "Unfroze user account for sync@acme.example");
	login(&w, "2026-11-03T14:30:00Z", "User is Frozen");
	changes_link(&w.ch, &w.f);
	CHECK(w.ch.trigger[R_FROZEN] >= 0);
	CHECK_INT(w.ch.fixed[R_FROZEN], -1);
	end(&w);
}

/* The date order of a file settles once, from all its rows. */
static void test_dates(void)
{
	struct world w;
	begin(&w);
	struct event ev;
	make_event(&ev, w.rs, KIND_AUDIT_TRAIL, "03/11/2026 13:58", "display=Froze user x", NULL);
	changes_add(&w.ch, w.m, &ev);
	make_event(&ev, w.rs, KIND_AUDIT_TRAIL, "14/11/2026 10:00", "display=Changed Apex", NULL);
	changes_add(&w.ch, w.m, &ev);
	make_event(&ev, w.rs, KIND_AUDIT_TRAIL, "someday", "display=Froze user y", NULL);
	changes_add(&w.ch, w.m, &ev);
	changes_settle_dates(&w.ch);
	CHECK_INT(w.ch.nfiles, 1);
	CHECK_INT(w.ch.files[0].read_day_first, 1);
	CHECK_INT(w.ch.files[0].reread, 1);
	CHECK_INT(w.ch.files[0].unreadable, 1);
	CHECK_INT(w.ch.untimed, 1);
	CHECK_INT(w.ch.c[0].time_ms, INT64_C(1793714280000)); /* 2026-11-03T13:58Z */
	end(&w);
}

static void cleanup(void)
{
	sb_free(&errors);
}

UNIT_MAIN(test_trigger, test_fixed, test_dates, cleanup)
