/*
 * medsec/docs.h: a device's regulatory documents as a build output (docs/docs.md): the EU
 * technical documentation's security part, the FDA premarket set, the GSPR checklist and the
 * IEC 81001-5-1 clause matrix, the IFU security section and the HDO administrator manual, and the
 * MDS2 form; every gap (a requirement with no evidence, a question with no answer) named.
 *
 *     struct medsec_docs *set;
 *     struct medsec_docs_opts o = {.version = NULL, .date = "2026-03-16"};
 *     if (medsec_docs_build(dev, &o, &set, &err) == MEDSEC_OK &&
 *         medsec_docs_write(set, "out", MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML, &err) ==
 * MEDSEC_OK)
 *         ... medsec_docs_gaps(set, &n) ...
 *     medsec_docs_free(set);
 *
 * The set is deterministic: the same device folder, options and templates give byte-identical
 * files (no clock is read; the date comes from the options).
 */
#ifndef MEDSEC_DOCS_H
#define MEDSEC_DOCS_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/device.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct medsec_docs;
struct medsec_triage_session;

struct medsec_docs_opts {
    const char *version; /* the release documented; NULL: the device's current version */
    const char *date;    /* "YYYY-MM-DD" on every document; NULL: the release's release date */
    const char *source_commit; /* the security file's commit for document control; may be NULL */
    struct medsec_db *db;      /* the vulnerability database; NULL: no findings (a gap) */
    /* with @db: the triage file held against every release's findings (medsec_triage_session_open
     * with the same database); NULL: no triage data. Its decisions (not stale) speak for the
     * manufacturer in every register the documents show: a finding they close adds no risk (the
     * build sets the device's decide hook for its length, and clears it after). */
    const struct medsec_triage_session *triage;
    const char *templates; /* folder whose files replace the built-in templates; may be NULL */
};

/* A gap: something a document must say and the security file gives no source for. */
struct medsec_docs_gap {
    const char *area; /* "GSPR", "IEC 81001-5-1", "MDS2", "FDA", "EU", "IFU", "HDO" */
    const char *item; /* what is missing, by its id: "17.2", "5.2.1", "AUTH-1", "labeling" */
    const char *doc;  /* the document that shows it (its id) */
    const char *text; /* what is missing, in one sentence */
};

/*
 * Build every document of device @d for @o's release (@o may be NULL: the current release on its
 * release date, no database). *@out is the caller's; free it with medsec_docs_free (also after a
 * failure, when it is set). MEDSEC_ENOTFOUND when the version is not one of the file's.
 */
medsec_err medsec_docs_build(struct medsec_device *d, const struct medsec_docs_opts *o,
                             struct medsec_docs **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_docs_free(struct medsec_docs *set);

/* The documents, in reading order. */
size_t medsec_docs_count(const struct medsec_docs *set);
/* Document @i's id (its file name without extension, e.g. "gspr-checklist") and title. */
const char *medsec_docs_id(const struct medsec_docs *set, size_t i);
const char *medsec_docs_title(const struct medsec_docs *set, size_t i);

/* Every gap, in document order. */
const struct medsec_docs_gap *medsec_docs_gaps(const struct medsec_docs *set, size_t *n);

/* The gaps counted by area, for the summary and the cover: what the area's gaps are ("GSPRs
 * without evidence") and how many there are. */
struct medsec_docs_area {
    const char *area;  /* as in struct medsec_docs_gap */
    const char *label; /* what a gap of the area is, plural */
    size_t gaps;
};
/* The areas in summary order: GSPR, IEC 81001-5-1, MDS2, FDA, EU, IFU, HDO (always, also with no
 * gap), then any other area a generator used, in first-seen order. Fills at most @cap entries of
 * @out and returns how many there are. */
size_t medsec_docs_areas(const struct medsec_docs *set, struct medsec_docs_area *out, size_t cap);

/* The output formats of medsec_docs_write. */
enum {
    MEDSEC_DOCS_MARKDOWN = 1u << 0, /* OUT/md/<id>.md and OUT/md/index.md */
    MEDSEC_DOCS_HTML = 1u << 1,     /* OUT/html/<id>.html, index.html (the cover), style.css */
    MEDSEC_DOCS_FILES = 1u << 2     /* the attachments (SBOM exports, MDS2 workbook, SVG views) */
};

/* Write the set's documents in @formats under folder @outdir (created when missing); every file is
 * written whole or not at all (a temporary file, then a rename). */
medsec_err medsec_docs_write(const struct medsec_docs *set, const char *outdir, unsigned formats,
                             struct medsec_error *err) __attribute__((warn_unused_result));

/* The underlying data as one JSON document (appended to @out): document control, every document's
 * blocks, the gaps, and each generator's own data (GSPR rows, MDS2 answers ...). */
medsec_err medsec_docs_json(const struct medsec_docs *set, struct medsec_buf *out, int pretty,
                            struct medsec_error *err) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
