/*
 * limits.h - every resource limit of sfdiag, in one place.
 *
 * Input comes from strangers; each limit below bounds memory or time on hostile
 * files.  Error messages name the limit by the macro's name so that a user can
 * find it here and in the README ("Limits").
 */
#ifndef SFDIAG_LIMITS_H
#define SFDIAG_LIMITS_H

/* Largest single CSV field or JSON string we accept, in bytes. */
#define SFDIAG_MAX_FIELD (1u << 20) /* 1 MiB */

/* Longest physical line of a text input (pasted logs, transcripts). */
#define SFDIAG_MAX_LINE (1u << 20) /* 1 MiB */

/* A JSON or XML document inside text (pretty-printed over many lines) is
 * read as one when it closes within this many bytes and lines; else its
 * lines are read one by one. */
#define SFDIAG_MAX_TEXT_DOC	  (1u << 20) /* 1 MiB */
#define SFDIAG_MAX_TEXT_DOC_LINES 5000

/* Deepest XML element nesting in a document inside text (a SOAP fault is
 * 4 deep); a deeper document is not read as XML, and its lines are read
 * as text. */
#define SFDIAG_MAX_XML_DEPTH 256

/* Lines of a text input with failure vocabulary but no known signature
 * that are reported, each as one unrecognized failure; the rest are
 * counted. */
#define SFDIAG_MAX_UNRECOGNIZED_LINES 100

/* Most columns in one CSV header or row. */
#define SFDIAG_MAX_COLUMNS 512

/* Deepest JSON nesting we parse (cJSON itself stops at 1000). */
#define SFDIAG_MAX_JSON_DEPTH 256

/* Largest JSON document read into memory at once, after long strings are
 * left out (below). */
#define SFDIAG_MAX_JSON_BYTES (64u << 20) /* 64 MiB */

/* A login-record export (an array of records at a fields.conf `array` path,
 * or a top-level array) is read one element at a time as the bytes arrive,
 * whatever its size: each element is held alone, at most this many bytes
 * (after long strings are left out); a larger one is skipped and named. */
#define SFDIAG_MAX_JSON_ELEMENT (1u << 20) /* 1 MiB */

/* Values in one JSON tree that cJSON builds (a whole document, a streamed
 * element, or a JSON document inside text): about 80 bytes each, so one
 * tree stays under 24 MiB whatever the bytes hold (an array of zeros is
 * two bytes per value). */
#define SFDIAG_MAX_JSON_NODES (256u << 10) /* 262,144 values */

/* Longest JSON string kept.  Longer ones (in practice the response bodies of
 * pages and scripts in a HAR) are replaced by a short text as the document
 * is read, and counted in a note; token and API error bodies are far
 * smaller. */
#define SFDIAG_MAX_JSON_STRING (64u << 10) /* 64 KiB */

/* Most bytes one compressed input may expand to (gzip bombs). */
#define SFDIAG_MAX_DECOMPRESSED (16ull << 30) /* 16 GiB */

/* Excel workbooks: the file held in memory, the XML inflated from it, and
 * the text of its shared strings. */
#define SFDIAG_MAX_XLSX_BYTES	 (64u << 20)  /* 64 MiB */
#define SFDIAG_MAX_XLSX_INFLATED (2ull << 30) /* 2 GiB */
#define SFDIAG_MAX_XLSX_STRINGS	 (256u << 20) /* 256 MiB */
/* OpenDocument spreadsheets (read under the same limits): most times one
 * row with cells is repeated (table:number-rows-repeated), so that a small
 * file cannot claim millions of copies of a row. */
#define SFDIAG_MAX_ODS_REPEAT 1024

/* Normalized fields one event can carry (size of the field registry). */
#define SFDIAG_MAX_FIELDS 64

/* PCRE2 match limit per rule condition and value; hitting it skips the rule
 * for that value and is reported with the rule id. */
#define SFDIAG_PCRE2_MATCH_LIMIT    100000u
#define SFDIAG_PCRE2_DEPTH_LIMIT    10000u
#define SFDIAG_PCRE2_HEAP_LIMIT_KIB 8192u

/* A rule whose patterns ran into one of those limits on this many distinct
 * values is given up for the rest of the run: each hit costs the whole
 * match limit (a catastrophic user pattern on 50,000 distinct statuses took
 * 17 s with the JIT), and the report names the rule in a warning. */
#define SFDIAG_MAX_RULE_LIMIT_HITS 100

/* Aggregation bounds: memory is per finding, never per row. */
#define SFDIAG_MAX_GROUPS	  1024	/* (user, application) groups per finding */
#define SFDIAG_MAX_GROUP_IPS	  16	/* source IPs counted per group */
#define SFDIAG_MAX_REPORT_GROUPS  50	/* groups listed per finding in a JSON report */
#define SFDIAG_MAX_DISTINCT	  4096	/* distinct values counted per tracked field */
#define SFDIAG_MAX_EXAMPLES	  3	/* example rows kept per finding and group */
#define SFDIAG_MAX_SUCCESS_PAIRS  65536 /* (user, application) pairs with successes */
#define SFDIAG_IP_TEXT_MAX	  48	/* a source IP kept per pair, with its NUL (IPv6: 45) */
#define SFDIAG_MAX_INTEGRATION	  16 /* distinct users (and apps) named by the connector's inputs */
#define SFDIAG_MAX_CACHE	  8192 /* cached condition results per field */
#define SFDIAG_MAX_NOTES	  200  /* input errors/warnings kept per run */
#define SFDIAG_MAX_NOTES_PER_FILE 20   /* same, per input file */

/* Timeline buckets per series (successes, and each finding) for the HTML
 * timeline chart: one hour each, widened to a day, then to
 * 2, 4, 8... days when the data spans more than this many buckets. */
#define SFDIAG_TIMELINE_BUCKETS 512

/* Correlation: how far apart in time a response and the Login History
 * failures that explain it may be. */
#define SFDIAG_CORRELATE_WINDOW_MS (15 * 60 * 1000)

/* Events other than Login History rows held until the run's context (host,
 * user from settings) is known; beyond this they are classified at once. */
#define SFDIAG_MAX_BUFFERED 10000 /* about 16 MB of held events */

/* Setup Audit Trail changes kept per run: only those an audit-trail rule
 * classifies (the others are counted); each keeps its sentence, cut to
 * SFDIAG_MAX_CHANGE_TEXT bytes (the API's Display holds at most 1000). */
#define SFDIAG_MAX_CHANGES     5000
#define SFDIAG_MAX_CHANGE_TEXT 1000

/* Rule files: the longest logical line, and the largest file (which also
 * bounds what one physical line can make the reader hold). */
#define SFDIAG_MAX_RULE_FILE (16u << 20) /* 16 MiB */

#define SFDIAG_MAX_RULE_LINE 8192
#define SFDIAG_MAX_RULES     2048
/* `any` / `all` / `none` blocks nested in one rule (the matcher recurses
 * once per level). */
#define SFDIAG_MAX_COND_DEPTH 8
/* Keys in a fields.conf `array` path (`result.records` is two). */
#define SFDIAG_MAX_JSON_PATH 4

/* Archive limits (hostile archives: zip bombs, millions of entries).  Error
 * messages name them, like the ones in limits.h. */
#ifndef SFDIAG_MAX_ARCHIVE_BYTES
#define SFDIAG_MAX_ARCHIVE_BYTES (8ull << 30) /* uncompressed bytes per archive */
#endif
#ifndef SFDIAG_MAX_ARCHIVE_ENTRY_BYTES
#define SFDIAG_MAX_ARCHIVE_ENTRY_BYTES (4ull << 30) /* uncompressed bytes per member */
#endif
#ifndef SFDIAG_MAX_ARCHIVE_ENTRIES
#define SFDIAG_MAX_ARCHIVE_ENTRIES 10000u /* entries per archive, of any type */
#endif
/* Emails (.eml): the raw message held in memory while its parts are read
 * (each part is decoded as it is read, never held whole); containers
 * (archives, emails) opened inside one another, an archive attached to an
 * email attached to an email being three; and multiparts nested in one
 * email.  An email's parts count against the archive limits above. */
#define SFDIAG_MAX_MAIL_BYTES (64u << 20) /* 64 MiB */
#define SFDIAG_MAX_NESTING    4
#define SFDIAG_MAX_MIME_DEPTH 64

/* Files in one ticket folder, and its deepest sub-folder. */
#ifndef SFDIAG_MAX_TICKET_FILES
#define SFDIAG_MAX_TICKET_FILES 10000u
#endif
#ifndef SFDIAG_MAX_TICKET_DEPTH
#define SFDIAG_MAX_TICKET_DEPTH 32
#endif

/* A file is binary, and not read, when more than this percentage of its
 * first bytes (the 64 KiB sniffed) are NUL or other control bytes (C0
 * except TAB, LF, VT, FF, CR and ESC): random or compressed data has about
 * 10, an image or executable more.  Below it, a text with a few NUL bytes is
 * read, and each record holding one is skipped and counted. */
#define SFDIAG_BINARY_PERCENT 5

/* A CSV record whose quoted field runs over line breaks is held, from its
 * first line, up to this many bytes, so that when it does not parse (an
 * unmatched quote) reading can start again at its second line; a record
 * longer than this that does not parse loses the lines held. */
#define SFDIAG_MAX_HELD_RECORD (2u << 20) /* 2 MiB */

/* Worker threads: -j / --jobs of every command. */
#define SFDIAG_MAX_JOBS 1024

#endif
