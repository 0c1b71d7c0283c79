/*
 * note.h - how bad a problem with an input is.  Every stage that reads
 * customer data reports problems as notes of one of these levels; the
 * engine keeps them with the run and the verdict counts them.
 */
#ifndef SFDIAG_BASE_NOTE_H
#define SFDIAG_BASE_NOTE_H

enum note_level {
	NOTE_INFO,    /* worth knowing; no data lost */
	NOTE_WARNING, /* records skipped; the rest was read */
	NOTE_ERROR,   /* the input could not be read (in part or whole): exit 2 */
};

#endif
