/*
 * model_test.h - the settings test request of a report (model.c calls it
 * once per report): the token request of the connection guide for the
 * settings read, every secret a shell variable, the values from input kept
 * as input spans so each writer masks them.  Nothing is built when no
 * settings were read, their grant type has no test in report.conf, a value
 * a line names is missing, or an error finding of a settings rule says the
 * settings are wrong.
 */
#ifndef SFDIAG_REPORT_MODEL_TEST_H
#define SFDIAG_REPORT_MODEL_TEST_H

#include "report/model.h"

/* Fill m->test, m->ntest and m->test_intro from r's settings. */
void report_build_test(struct report *m, const struct run *r);

#endif
