/*
 * changes.h - changes made in Setup (Setup Audit Trail rows), kept as
 * evidence, and the link from a finding to the change that likely began it.
 *
 * A change is not a failure: audit-trail events never become findings and
 * never count in the verdict.  Each row an audit-trail rule classifies is
 * kept (up to SFDIAG_MAX_CHANGES; the rest are counted); rows no rule
 * classifies are counted as unrelated to logins.  After the run's findings
 * are final, changes_link() names, for each finding, the change that can
 * cause it (the change rule lists the finding's rule under `triggers`) and
 * falls within the rule's `window` before the first failure; and the later
 * change that reverses it (`reverses`) when the failures stopped and logins
 * succeeded after it.  The mechanism is data (rules/audit-trail.rules); this
 * file only applies it.
 *
 * Ownership: a changes object copies every string it keeps; events are
 * borrowed only during changes_add().  File names are borrowed from the run.
 */
#ifndef SFDIAG_ENGINE_CHANGES_H
#define SFDIAG_ENGINE_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "adapt/event.h"
#include "engine/findings.h"
#include "engine/matcher.h"

/* One change made in Setup that a rule classified. */
struct change {
	int rule;	 /* the audit-trail rule that classified it */
	int64_t time_ms; /* EVENT_NO_TIME when absent or unparsable */
	enum time_zone zone;
	char *actor;	/* who made it (User / CreatedBy.Username), "" if absent */
	char *delegate; /* the Login-As user who made it for the actor, "" if none */
	char *display;	/* the sentence, cut to SFDIAG_MAX_CHANGE_TEXT bytes */
	char *action;	/* the API code, "" in a Setup download */
	char *section;
	const char *file; /* borrowed from the run */
	unsigned file_seq;
	long line;
	char *time_text; /* the date as written, when it could be day or month first */
	int time_flags;	 /* TIME_AMBIGUOUS_DMY ... (base/timeparse.h) */
};

/* How one audit-trail file writes its slash dates, from all its rows
 * (classified or not): rows that can only be day first (14/11/2026), only
 * month first (11/14/2026), or either (03/11/2026); and what was decided. */
struct change_file {
	const char *file; /* borrowed from the run */
	unsigned file_seq;
	uint64_t day_first, month_first, ambiguous;
	uint64_t unreadable; /* rows whose date could not be read */
	int read_day_first;  /* the file's ambiguous dates were read day first */
	uint64_t reread;     /* kept changes whose time that changed */
};

struct changes {
	const struct ruleset *rs;
	struct change *c; /* in the order read */
	size_t n, cap;
	uint64_t seen;		   /* audit-trail rows read */
	uint64_t unrelated;	   /* rows no rule classified (not kept) */
	uint64_t dropped;	   /* classified rows beyond SFDIAG_MAX_CHANGES */
	uint64_t untimed;	   /* kept rows whose time could not be read */
	struct change_file *files; /* one per audit-trail input, in the order read */
	size_t nfiles, files_cap;
	/* By finding (rule index, nrules for unrecognized failures): the
	 * change that likely began it, and the one that reversed it; -1. */
	int *trigger, *fixed;
};

void changes_init(struct changes *ch, const struct ruleset *rs);
void changes_free(struct changes *ch);

/* Classify one audit-trail event with m and keep it when a rule does. */
void changes_add(struct changes *ch, struct matcher *m, const struct event *ev);

/*
 * Settle the date order of each file once all its rows are read: when some
 * row can only be day first and none only month first, the file's
 * ambiguous dates are read again day first (ch->files[i].read_day_first);
 * otherwise they stay month first.  Call once, before changes_link().
 */
void changes_settle_dates(struct changes *ch);

/*
 * Link every finding of f that no other explains to its likely trigger and
 * reversal (ch->trigger, ch->fixed).  Among the changes that can cause it and
 * fall within the window before its first failure, one that names the
 * finding's user or application (its Display contains them, ignoring case)
 * wins over one that does not, and then the latest wins.
 */
void changes_link(struct changes *ch, const struct findings *f);

/* 1 when a change of some rule could explain findings of rule (used to say
 * which export would show it when no audit trail was given). */
int changes_could_explain(const struct ruleset *rs, int rule);

#endif
