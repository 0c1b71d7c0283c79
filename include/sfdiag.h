/*
 * sfdiag.h - the library behind the sfdiag command: read what a customer can
 * export, match it against rules kept as data, and report what is wrong.
 *
 * The pipeline, one folder of lib/ per stage (docs/architecture.md):
 *
 *   input (bytes, decoded)  ->  adapt (detect the shape; normalized events)
 *     ->  engine (rules matched; findings, correlation, verdict)
 *     ->  report (the writers)  ->  batch (many tickets at once)
 *
 * with rules/ the compiled knowledge every stage reads, and base/ the
 * helpers they share.  A front-end loads a ruleset once, makes one run per
 * ticket, feeds it inputs through a ticket reader, finishes it, builds its
 * report (with the verdict) once and hands that to a writer.
 *
 * Who owns what, one sentence per type:
 *   struct ruleset       the caller of rules_load() owns it and frees it with
 *                        rules_free(); once loaded it is immutable and any
 *                        number of threads may share it.
 *   struct run           the caller owns it (run_init()/run_free()); one
 *                        thread at a time; it copies every string it keeps
 *                        and must not outlive its ruleset.
 *   struct input         whoever holds it closes it with input_close();
 *                        run_input() and ticket sinks take it over.
 *   struct ticket_reader the caller zero-initialises it with a sink and
 *                        limits and frees what it keeps with
 *                        ticket_reader_free(); it borrows both.
 *   struct verdict       a plain value computed from a finished run.
 *   struct report        report_build() returns it and report_free() frees
 *                        it; it borrows the run, which must outlive it, and
 *                        any number of writers may format it in turn.
 *   struct render_opts   a plain value; writers borrow the report they format.
 *   struct triage_opts   borrowed by triage_run() for the call.
 *
 * Functions that can fail return 0 or a status and report through a
 * callback or a note; allocation never fails (base/util.h: it exits).
 */
#ifndef SFDIAG_H
#define SFDIAG_H

#include "base/limits.h"
#include "base/util.h"
#include "batch/triage.h"
#include "engine/run.h"
#include "engine/selftest.h"
#include "engine/verdict.h"
#include "input/archive.h"
#include "input/ticket.h"
#include "report/model.h"
#include "report/render.h"
#include "rules/ruleset.h"

#endif
