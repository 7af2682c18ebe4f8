/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_SCAN_H
#define PIRSCAN_SCAN_H

#include <stdbool.h>
#include "common.h"
#include "date.h"

PIR_BEGIN_DECL

struct pir_config;

/** A scan of one or more repositories and the items it found. Opaque. */
typedef struct pir_scan pir_scan;

/** Stale reasons: a fixed vocabulary, see docs/format.md. */
typedef enum {
	PIR_REASON_OVERDUE = 1u << 0,
	PIR_REASON_TOO_OLD = 1u << 1,
	PIR_REASON_NO_OWNER = 1u << 2,
	PIR_REASON_NO_DUE = 1u << 3,
	PIR_REASON_UNKNOWN_ID = 1u << 4,
	PIR_REASON_DUPLICATE_ID = 1u << 5,
	PIR_REASON_DONE_BUT_MARKER_REMAINS = 1u << 6,
	PIR_REASON_INVALID = 1u << 7,
	PIR_REASON_SLIPPING = 1u << 8,
} pir_reason;

#define PIR_REASON_COUNT 9

/** The name of a single reason bit ("overdue", "too-old", ...), or NULL. */
PIR_EXTERN(const char *) pir_reason_name(unsigned reason);

/** Parse a reason name into its bit; returns 0 and sets `out`, or PIR_EINVALID. */
PIR_EXTERN(int) pir_reason_parse(unsigned *out, const char *name);

/** Severity ranks of the default vocabulary; lower is more urgent. */
#define PIR_SEVERITY_NONE (-1)
#define PIR_SEVERITY_MAX 16

/** Progress of a scan, handed to the progress callback. */
typedef struct {
	const char *repo; /**< display name of the repository being scanned, NULL for the scan */
	/**
	 * "commits", "trees", "blobs" (of `repo`), "repositories" (of several:
	 * done of total scanned, `repo` the last one done) or "linking"
	 */
	const char *phase;
	size_t done;  /**< units done in this phase */
	size_t total; /**< units in this phase, 0 when unknown */
} pir_progress;

/** Return non-zero from a progress callback to abort the scan (PIR_EUSER). */
typedef int (*pir_progress_cb)(const pir_progress *progress, void *payload);

/** Options of a scan. Initialise with PIR_SCAN_OPTIONS_INIT. */
typedef struct {
	unsigned version;
	/** Ref whose tree is the current state; NULL for HEAD. */
	const char *ref;
	/** Walk history from every branch and tag instead of `ref` only. */
	bool all_refs;
	/** Skip the history walk: introduced, resolved and ages are unknown. */
	bool no_history;
	/** Blobs larger than this are skipped (bytes). */
	size_t max_blob_size;
	/** One pcre2 pattern replacing the marker grammar, or NULL; see marker_patterns. */
	const char *marker_pattern;
	/** File names (basenames) of action-item files; NULL-terminated, NULL for default. */
	const char *const *item_files;
	/** Severity names, most urgent first; NULL-terminated, NULL for default. */
	const char *const *severities;
	/** too-old limits in days, one per severity (same order), and for none. */
	int stale_days[PIR_SEVERITY_MAX];
	int stale_days_none;
	/** The date ages and overdue days are computed at; PIR_DATE_NONE for today (UTC). */
	pir_date as_of;
	/** Worker threads for the history walk; 0 picks the number of cores. */
	unsigned threads;
	pir_progress_cb progress;
	void *progress_payload;
	/** Path globs to leave out (`*` within a name, `**` across folders); NULL-terminated. */
	const char *const *exclude;
	/** Compare with this ref's tree: locations added or changed since are marked. */
	const char *changed_since;
	/** An open item whose due date moved more than this many times is "slipping". */
	int max_slips;
	/** The teams table (members, addresses) used to assign items to teams; may be NULL. */
	const struct pir_config *teams_from;
	/**
	 * Marker patterns, NULL-terminated, tried in order on each line; "default"
	 * stands for the default grammar. When set (non-empty), marker_pattern is
	 * not used. NULL: marker_pattern, else the default grammar.
	 */
	const char *const *marker_patterns;
	/** Keep only markers that name an action-item ID, an incident or a reference. */
	bool marker_require_reference;
	/**
	 * A repository that cannot be opened or scanned becomes a
	 * `repository-error` diagnostic naming it and the cause, and the others
	 * are scanned; without it, its error is returned.
	 */
	bool keep_going;
	/**
	 * The folder of the incremental cache (its file: cache.sqlite), where each
	 * repository's result is kept under a key of what it depends on; NULL for
	 * no cache. Not used with changed_since. A cache that cannot be used is a
	 * warning, never an error.
	 */
	const char *cache_dir;
	/**
	 * Globs (as for exclude) of the postmortem documents, Markdown files read
	 * for action items; NULL-terminated, NULL for the default: a .md or
	 * .markdown path naming postmortem, post-mortem, incident or pir.
	 */
	const char *const *postmortem_files;
} pir_scan_options;

#define PIR_SCAN_OPTIONS_VERSION 1
#define PIR_SCAN_OPTIONS_INIT                                                                      \
	{                                                                                          \
		PIR_SCAN_OPTIONS_VERSION, NULL, false, false, 8u * 1024 * 1024, NULL, NULL, NULL,  \
		    {14, 30, 90, 180, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90}, 90,         \
		    PIR_DATE_NONE, 0, NULL, NULL, NULL, NULL, 2, NULL, NULL, false, false, NULL    \
	}

/** A commit and its date, as when an item was introduced or resolved. */
typedef struct {
	char commit[41]; /**< full hex id; empty string when unknown */
	pir_date date;	 /**< PIR_DATE_NONE when unknown */
	int64_t time;	 /**< seconds since the epoch (author time) */
} pir_commit_ref;

/** True when `ref` names a commit. */
#define PIR_COMMIT_REF_SET(ref) ((ref)->commit[0] != '\0')

typedef enum {
	PIR_LOCATION_YAML = 0,
	PIR_LOCATION_MARKER = 1,
} pir_location_kind;

/** Where an item stands: an action-items entry or a marker in code. */
typedef struct {
	const char *repo; /**< display name of its repository */
	const char *path; /**< path inside the repository, '/'-separated */
	unsigned line;	  /**< 1-based */
	unsigned column;  /**< 1-based */
	pir_location_kind kind;
	const char *text; /**< the marker (from TODO on) or the entry's title */
	pir_commit_ref introduced;
	pir_commit_ref resolved; /**< unset while it is in the scanned tree */
	bool changed;		 /**< with changed_since: added or changed since that ref */
} pir_location;

/** A move of an entry's due date, found in history. */
typedef struct {
	pir_date old_due; /**< PIR_DATE_NONE when absent or not a date */
	pir_date new_due;
	pir_commit_ref commit;
} pir_due_change;

/** An unknown field of an action-items entry, kept as JSON text. */
typedef struct {
	const char *key;
	const char *json;
} pir_field;

/** One action item: its entry, if any, and every marker that names it. */
typedef struct {
	const char *id; /**< NULL for a marker that names no action item */
	const char *title;
	const char *incident;
	const char *owner;
	pir_date due;	      /**< PIR_DATE_NONE when absent or invalid */
	const char *severity; /**< as written, lower-cased; NULL when absent */
	int severity_rank;    /**< index in the severity list, PIR_SEVERITY_NONE when absent */
	const char *status;   /**< "open" when absent */
	bool closed;	      /**< status is done, closed or wontfix */
	pir_commit_ref introduced;
	pir_commit_ref resolved; /**< set when every location left the scanned tree */
	bool has_age;		 /**< false without history */
	int64_t age_days;
	bool has_overdue; /**< false without a due date */
	int64_t overdue_days;
	unsigned reasons; /**< pir_reason bits */
	const pir_location *locations;
	size_t nlocations;
	const pir_field *fields; /**< unknown entry fields, in file order */
	size_t nfields;
	const char *team;	 /**< the item's team, "unassigned" when nothing assigns it */
	const char *team_source; /**< "item", "owner", "codeowners" or "unassigned" */
	pir_commit_ref
	    closed_at; /**< when it was closed (status) or left the tree; unset while open */
	pir_date snooze_until; /**< PIR_DATE_NONE when not snoozed */
	const char *snooze_reason;
	bool snoozed;			   /**< a snooze is active at the as-of date */
	const pir_due_change *due_changes; /**< oldest first */
	size_t ndue_changes;
	bool changed; /**< with changed_since: a location was added or changed */
} pir_item;

#define PIR_ITEM_STALE(item) ((item)->reasons != 0)

typedef enum {
	PIR_DIAG_INFO = 0,
	PIR_DIAG_WARNING = 1,
	PIR_DIAG_ERROR = 2,
} pir_diag_level;

/** Something the scan could not read or did not understand; the scan went on. */
typedef struct {
	pir_diag_level level;
	const char *code;    /**< stable short code, e.g. "yaml-syntax", "missing-object" */
	const char *repo;    /**< may be NULL */
	const char *path;    /**< may be NULL */
	unsigned line;	     /**< 0 when not applicable */
	unsigned column;     /**< 0 when not applicable */
	const char *message; /**< one line, no trailing newline */
} pir_diagnostic;

/** A scanned repository, as reported. */
typedef struct {
	const char *name; /**< display name, unique within the scan */
	const char *path; /**< the path it was opened from */
	const char *ref;  /**< the ref whose tree was scanned, e.g. "HEAD" */
	char commit[41];  /**< the scanned commit, empty for an empty repository */
	bool shallow;
	size_t commits; /**< commits walked */
	size_t blobs;	/**< unique blobs read */
} pir_repository;

/**
 * Create a scan. `opts` may be NULL for defaults; it is copied, but the
 * strings it points to must outlive the scan.
 * Returns 0, PIR_EINVALID (bad pattern, bad option) or PIR_ENOMEM.
 */
PIR_EXTERN(int) pir_scan_new(pir_scan **out, const pir_scan_options *opts);

/** Free a scan and everything it handed out. NULL is a no-op. */
PIR_EXTERN(void) pir_scan_free(pir_scan *scan);

/**
 * Add a repository: a bare or non-bare repository, a linked worktree, or any
 * folder inside one. Returns PIR_ENOTREPO when `path` is none of these
 * (with keep_going: 0, and the scan reports it as a `repository-error`).
 */
PIR_EXTERN(int) pir_scan_add_repository(pir_scan *scan, const char *path);

/** How a repository is added. Initialise with PIR_REPOSITORY_OPTIONS_INIT. */
typedef struct {
	unsigned version;
	/**
	 * Its display name, unique within the scan; NULL for its folder name, or
	 * where two repositories share one, the shortest path suffix that tells
	 * them apart ("orgA/api", "orgB/api"), named when the scan runs.
	 */
	const char *name;
	/** What pir_repository.path says (a URL, for its mirror); NULL for `path`. */
	const char *shown;
	/**
	 * Why it cannot be scanned (a fetch that failed), one line; NULL to scan
	 * it. It is not opened: it becomes a "fetch-failed" error naming it,
	 * counted by pir_scan_unscanned_count.
	 */
	const char *error;
	/**
	 * Its place in the whole list of repositories, before it was cut into
	 * shards, plus one; 0 for the order repositories are added in. Shards'
	 * results read together (pir_scan_add_results_file) are linked in this
	 * order, so that they give what one run over the whole list gives.
	 */
	size_t position;
	/**
	 * (Version 2.) The real path of its git folder, when the caller has
	 * opened it already (pir_fleet_repo.gitdir); NULL when not known. With
	 * a name and keep_going, the repository is then opened only when it is
	 * scanned, so that a result from the cache costs one open, not two; one
	 * that cannot be opened then is a "repository-error" like any other.
	 */
	const char *gitdir;
} pir_repository_options;

#define PIR_REPOSITORY_OPTIONS_VERSION 2
#define PIR_REPOSITORY_OPTIONS_INIT                                                                \
	{                                                                                          \
		PIR_REPOSITORY_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL                          \
	}

/**
 * pir_scan_add_repository with options (`opts` may be NULL). Returns 0,
 * PIR_ENOTREPO, PIR_EINVALID (a bad options version, a name taken) or
 * PIR_ENOMEM.
 */
PIR_EXTERN(int)
pir_scan_add_repository_ext(pir_scan *scan, const char *path, const pir_repository_options *opts);

/**
 * Add the results another run wrote in its JSON output (`pirscan --format
 * json`, its "results"; "-" reads standard input), as if their repositories
 * had been scanned here: the run links them with the others (IDs, teams,
 * dates), so the shards of a list read together give what one run over the
 * whole list gives. They come in the file's order, before any repository
 * added for scanning. A repository read before (the same name or git
 * folder) is a `same-repository` note and kept once; another repository of
 * the same name is a `results-error` and left out. A file that cannot be
 * read, is not such a document, or was scanned with history when this scan
 * is not (or the other way round) returns PIR_ENOTFOUND or PIR_EINVALID
 * with a message naming it; with keep_going it is a `results-error`
 * diagnostic instead, counted by pir_scan_unscanned_count, and 0.
 */
PIR_EXTERN(int) pir_scan_add_results_file(pir_scan *scan, const char *path);

/**
 * Scan every added repository, then link and date the items.
 * Unreadable objects and files become diagnostics; only fatal errors
 * (unknown ref, out of memory, aborted) are returned.
 */
PIR_EXTERN(int) pir_scan_run(pir_scan *scan);

/** The date ages are computed at. */
PIR_EXTERN(pir_date) pir_scan_as_of(const pir_scan *scan);

/** The rank of a severity name in the scan's list (0 most urgent), or -1. */
PIR_EXTERN(int) pir_scan_severity_rank(const pir_scan *scan, const char *name);

/** The default severities, most urgent first: critical, high, medium, low; NULL-terminated. */
PIR_EXTERN(const char *const *) pir_default_severities(void);

/** The severity name of a rank, or NULL. */
PIR_EXTERN(const char *) pir_scan_severity_name(const pir_scan *scan, int rank);

/**
 * What decides the extraction, as 64 hex digits: a hash of the options that
 * change what is read (history, size limit, markers, item files, severities,
 * excludes, postmortem files); with results files (--from-json), theirs.
 */
PIR_EXTERN(const char *) pir_scan_extraction(const pir_scan *scan);

/** Whether the history was walked (ages known). */
PIR_EXTERN(bool) pir_scan_has_history(const pir_scan *scan);

/** Items, most urgent first; all of them, open, closed and resolved. */
PIR_EXTERN(size_t) pir_scan_item_count(const pir_scan *scan);
PIR_EXTERN(const pir_item *) pir_scan_item(const pir_scan *scan, size_t i);

PIR_EXTERN(size_t) pir_scan_diagnostic_count(const pir_scan *scan);
/**
 * Number of `unreadable-object` errors: objects that are (or may be) in a
 * repository but could not be read. What they hold is unknown, so the
 * scan's answer cannot be vouched for. Absent objects (`missing-object`)
 * do not count.
 */
PIR_EXTERN(size_t) pir_scan_unreadable_count(const pir_scan *scan);
/**
 * Number of repositories that could not be scanned at all (`unborn-head`: a
 * mirror whose HEAD names a branch it does not have; `repository-error`:
 * one that could not be opened or read, with keep_going; `fetch-failed`: a
 * mirror that could not be fetched; `results-error`: a file of results that
 * could not be read). Like unreadable
 * objects, they leave the answer without a guarantee.
 */
PIR_EXTERN(size_t) pir_scan_unscanned_count(const pir_scan *scan);
PIR_EXTERN(const pir_diagnostic *) pir_scan_diagnostic(const pir_scan *scan, size_t i);

PIR_EXTERN(size_t) pir_scan_repository_count(const pir_scan *scan);
PIR_EXTERN(const pir_repository *) pir_scan_repository(const pir_scan *scan, size_t i);

/**
 * Which items to keep: each list is NULL-terminated, and NULL (or empty)
 * keeps every item. An item is kept when it matches one value of every list
 * given (values OR within a list, AND across lists). Values compare without
 * regard to ASCII case; owners also without a leading '@'. `repos` names a
 * repository by its display name or the path it was added from; an item
 * matches when any of its locations is in it. An item without a severity,
 * owner or incident matches no value of that list; every item has a team
 * ("unassigned" when nothing assigns it).
 */
typedef struct {
	unsigned version;
	const char *const *severities;
	const char *const *owners;
	const char *const *teams;
	const char *const *incidents;
	const char *const *repos;
} pir_item_filter;

#define PIR_ITEM_FILTER_VERSION 1
#define PIR_ITEM_FILTER_INIT                                                                       \
	{                                                                                          \
		PIR_ITEM_FILTER_VERSION, NULL, NULL, NULL, NULL, NULL                              \
	}

/** Whether `item` of `scan` passes `filter` (NULL passes everything). */
PIR_EXTERN(bool)
pir_item_filter_match(const pir_item_filter *filter, const pir_scan *scan, const pir_item *item);

/**
 * Keep only the items of a run scan that pass `filter`, in their order, so
 * that every writer, the gate and the report see the same items. Items
 * handed out before are invalidated. Diagnostics are kept. Returns 0,
 * PIR_ENOTFOUND when a value of `repos` names none of the scanned
 * repositories (a typo, not an empty result), or PIR_EINVALID before
 * pir_scan_run.
 */
PIR_EXTERN(int) pir_scan_filter(pir_scan *scan, const pir_item_filter *filter);

PIR_END_DECL

#endif
