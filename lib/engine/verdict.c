/*
 * verdict.c - see verdict.h.
 */
#include "engine/verdict.h"

#include <string.h>

void verdict_of(const struct run *r, enum severity fail_on, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	for (size_t i = 0; i <= r->rs->nrules; i++) {
		const struct finding *fi = r->f.by_rule[i];
		if (!fi || fi->explained_by >= 0)
			continue;
		enum severity sev = finding_severity(&r->f, fi);
		v->by_severity[sev]++;
		v->findings++;
		if (fail_on != SEV_NONE && sev >= fail_on)
			v->at_fail_on++;
	}
	v->problems = r->problems;
	v->inputs = r->ninputs;
	for (size_t i = 0; i < r->ninputs; i++) {
		if (!r->inputs[i].kind)
			v->unread++;
		else if (r->inputs[i].failed)
			v->partial++;
	}
	v->nothing_read = v->unread == v->inputs;
	v->trouble = r->errors != 0 || r->problems != 0 || v->nothing_read;
	v->exit_status = v->trouble	 ? VERDICT_TROUBLE
			 : v->at_fail_on ? VERDICT_FINDINGS
					 : VERDICT_CLEAN;
}
