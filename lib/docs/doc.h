/*
 * lib/docs/doc.h: the document model the generators write into and the renderers read
 * (Markdown, HTML, JSON). A document is a list of blocks: headings, paragraphs, lists, tables,
 * figures (SVG) and callouts. Text is plain: the renderers escape it. Builder calls never fail:
 * the first allocation failure is kept in the set (docs_failed) and later calls do nothing, so a
 * generator writes straight through and returns docs_status(g) at its end.
 */
#ifndef MEDSEC_DOCS_DOC_H
#define MEDSEC_DOCS_DOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/docs.h"
#include "medsec/model.h"

enum doc_block_kind {
    DOC_HEADING, /* level 1..4, anchor */
    DOC_PARA,    /* text */
    DOC_LIST,    /* items (ordered or not) */
    DOC_TABLE,   /* head + rows of ncols cells */
    DOC_FIGURE,  /* svg text + caption (text) */
    DOC_CALLOUT, /* callout kind + text */
    DOC_KV       /* a two-column "field: value" block (document control, properties) */
};

enum doc_callout { DOC_NOTE, DOC_WARNING, DOC_GAP };

struct doc_block {
    enum doc_block_kind kind;
    int level;          /* heading level; list: 1 = ordered */
    const char *anchor; /* heading: the id other documents refer to (may be NULL) */
    const char *text;   /* heading, paragraph, figure caption, callout */
    enum doc_callout callout;
    const char *svg;    /* figure */
    size_t ncols;       /* table, kv (2) */
    const char **head;  /* table: ncols headers */
    const char **cells; /* table/kv: row after row, ncols each; list: the items */
    size_t nrows;       /* complete rows (list: items) */
    size_t ncells;      /* cells written (a last row may be partial while being written) */
    struct doc_block *next;
};

struct doc {
    const char *id;      /* file name stem: "eu-technical-documentation" */
    const char *title;   /* "Technical documentation: cybersecurity" */
    const char *group;   /* "EU MDR", "FDA premarket", "Hospital", "Checklists" */
    const char *purpose; /* one sentence under the title: who reads it, which clause asks for it */
    struct doc_block *first, *last;
    struct doc *next;
};

/* An extra file written beside the documents (MEDSEC_DOCS_FILES): OUT/files/<name>. */
struct doc_file {
    const char *name; /* "sbom-cyclonedx.json", "mds2.xlsx", "views/global-system.svg" */
    const char *media_type;
    const void *data;
    size_t len;
    struct doc_file *next;
};

/* A generator's own data for medsec_docs_json: "key": <json>. */
struct doc_data {
    const char *key;
    const char *json;
    struct doc_data *next;
};

/* A file the content hash covers: its path relative to the device folder and its SHA-256. */
struct docs_source {
    const char *path;
    char sha256[65];
};

/* The site's templates (templates/docs/, compiled in; a same-named file in --templates replaces
 * one). */
enum docs_template { DOCS_TPL_PAGE, DOCS_TPL_COVER, DOCS_TPL_CSS, DOCS_NTPL };
extern const char
    *const docs_template_names[DOCS_NTPL]; /* "page.html", "cover.html", "style.css" */
/* Load every template into @s (built in, or @dir/<name> when @dir has it) and check that each
 * names only known placeholders (MEDSEC_EINVAL naming the file and line). */
medsec_err docs_templates_load(struct medsec_docs *s, const char *dir, struct medsec_error *err);

struct medsec_docs {
    struct medsec_arena arena;
    medsec_err failed; /* the first failure of a builder call */
    unsigned nfigures; /* figures so far (their ids are made unique with the number) */
    struct doc *first, *last;
    struct medsec_docs_gap *gaps;
    size_t ngaps, capgaps;
    struct doc_file *files, *lastfile;
    struct doc_data *data, *lastdata;
    /* document control */
    const char *device;  /* the device's name */
    const char *version; /* the release documented */
    const char *date;    /* YYYY-MM-DD */
    const char *source_commit;
    const char *templates;
    char content_hash[65]; /* SHA-256 of the security file and the files it names, hex */
    /* document control (copied from the security file; NULL when it does not say) */
    const char *manufacturer, *model, *udi_di, *mdr_class, *fda_class;
    struct docs_source *sources; /* the files content_hash covers, in its order */
    size_t nsources;
    const char
        *tpl[DOCS_NTPL]; /* the templates (enum docs_template): built in or from opts->templates */
    const char *tpl_src[DOCS_NTPL]; /* where each came from, for messages */
};

/* What a generator gets: the device, its model, the release, the options. */
struct docs_gen {
    struct medsec_docs *set;
    struct medsec_device *dev;
    const struct medsec_model *model;
    const struct medsec_model_version *release; /* the release documented */
    const struct medsec_docs_opts *opts;        /* never NULL; opts->version may be NULL */
    struct medsec_error *err;
};

/* A generator adds its documents (and gaps, files, data) to g->set. It returns MEDSEC_OK, or a
 * failure with g->err filled (builder failures: return docs_status(g)). */
typedef medsec_err (*docs_generator_fn)(struct docs_gen *g);

/* ---- builders ---- */
struct doc *doc_new(struct medsec_docs *s, const char *id, const char *group, const char *title,
                    const char *purpose);
void doc_heading(struct doc *d, int level, const char *anchor, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void doc_para(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_callout(struct doc *d, enum doc_callout kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A list: doc_list, then doc_item per entry. */
void doc_list(struct doc *d, bool ordered);
void doc_item(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A table: doc_table with its headers, then per row doc_row (ncols cells; NULL cells are empty)
 * or doc_cell per cell (a row is complete after ncols cells). */
void doc_table(struct doc *d, size_t ncols, const char *const *head);
void doc_row(struct doc *d, const char *const *cells);
void doc_cell(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Field: value pairs (doc_kv_begin, then doc_kv per pair). */
void doc_kv_begin(struct doc *d);
void doc_kv(struct doc *d, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A figure: @svg (copied) with its caption. */
void doc_figure(struct doc *d, const char *svg, size_t len, const char *caption);
/* Record a gap (area, item, text) against document @d and show it there as a GAP callout. */
void doc_gap(struct doc *d, const char *area, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An extra file (copied). */
void docs_file(struct medsec_docs *s, const char *name, const char *media_type, const void *data,
               size_t len);
/* A generator's data for medsec_docs_json (the JSON text is copied; it must be one value). */
void docs_data(struct medsec_docs *s, const char *key, const char *json, size_t len);

/* printf into the set's arena (NULL after a failure). */
const char *docs_strf(struct medsec_docs *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The set's first builder failure as an error in g->err (MEDSEC_OK when none). */
medsec_err docs_status(struct docs_gen *g);
/* The set a document belongs to. */
struct medsec_docs *doc_set(struct doc *d);

/* ---- generators (one file each) ---- */
medsec_err docs_gen_eu(struct docs_gen *g);   /* eu.c: MDR Annex II/III security part */
medsec_err docs_gen_fda(struct docs_gen *g);  /* fda.c: FDA premarket set, views, SBOM export */
medsec_err docs_gen_gspr(struct docs_gen *g); /* gspr.c: GSPR checklist, IEC 81001-5-1 matrix */
medsec_err docs_gen_ifu(struct docs_gen *g);  /* ifu.c: IFU security section, HDO manual */
medsec_err docs_gen_mds2(struct docs_gen *g); /* mds2.c: MDS2 form (document, XLSX, CSV, JSON) */

/* Shared sections, called by the generators above (views.c, sbomdoc.c). */
/* The four FDA architecture views (global system, multi-patient harm, updatability/patchability,
 * security use cases), each an SVG figure in @d under a heading of @level, and a file
 * views/<name>.svg. */
medsec_err docs_arch_views(struct docs_gen *g, struct doc *d, int level);
/* The SBOM summary of the release (every component with its level of support and end of support)
 * into @d under a heading of @level; the first call also adds the machine-readable exports
 * (files sbom/<name>.cdx.json, CycloneDX 1.6 with support as properties, and sbom/<name>.spdx.json,
 * SPDX 2.3). */
medsec_err docs_sbom_section(struct docs_gen *g, struct doc *d, int level);
/* The gap area of the shared sections in @d: "EU" in the EU MDR documents, "HDO" in the hospital
 * ones, else "FDA". */
const char *docs_section_area(const struct doc *d);
/* A gap of a shared section (views.c): recorded with doc_gap under docs_section_area(d), unless
 * the set already holds the same area, item and text (the section ran in another document of
 * that area): then only shown. */
void docs_section_gap(struct doc *d, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- what both renderers show ---- */
/* Document control as field/value rows (a value the file does not state reads so). */
struct docs_field {
    const char *field, *value;
    bool code; /* an identifier (commit, hash): set in a fixed-width font */
};
enum { DOCS_NCONTROL = 10 };
void docs_control(const struct medsec_docs *s, struct docs_field out[DOCS_NCONTROL]);
/* @v, or "not stated in the security file" when NULL or empty. */
const char *docs_or_unstated(const char *v);
/* How many gaps document @d shows. */
size_t docs_doc_gaps(const struct medsec_docs *s, const struct doc *d);
/* Whether @d is the first document of its group (groups are listed in first-seen order). */
bool docs_group_first(const struct medsec_docs *s, const struct doc *d);

/* The title of the document with id @id (@id itself when there is none). */
const char *docs_title_of(const struct medsec_docs *s, const char *id);
/* A figure's SVG from its <svg> element on (an XML declaration or DOCTYPE before it, as Graphviz
 * writes, does not belong inside an HTML page). */
const char *docs_svg_element(const char *svg);
/* ---- sections the EU technical documentation and the FDA premarket set share (sections.c) ----
 * Each writes its part into @d under a heading of @level and records what the security file, the
 * triage file or the database do not give as a gap of @area ("EU", "FDA"). */
struct medsec_risk_register;
struct medsec_risk_item;
struct medsec_threat_list;
struct medsec_triage_policy;
/* The threats (owned by the device) and the risk register of the documented release, as `medsec
 * threats` and `medsec risk --db` make them (the triage file's decisions close findings); release
 * @reg with medsec_risk_register_release, also after a failure. */
medsec_err docs_risk_inputs(struct docs_gen *g, const struct medsec_threat_list **tl,
                            struct medsec_risk_register *reg);
/* The register's risk of threat @threat, or NULL (a threat excluded by design). */
const struct medsec_risk_item *docs_threat_risk(const struct medsec_risk_register *reg,
                                                const char *threat);
/* Evidence @e belongs to IEC 81001-5-1 5.7.@n (1 requirements, 2 threat mitigation,
 * 3 vulnerability, 4 penetration testing). */
bool docs_evidence_in(const struct medsec_model *m, const struct medsec_model_evidence *e, int n);
/* The triage file's due-date policy; *@found false when the device has none. */
medsec_err docs_triage_policy(struct docs_gen *g, struct medsec_triage_policy *out, bool *found);
/* @v joined by @sep in the set's arena ("-" when empty); "yes" / "no" / "not stated". */
const char *docs_join(struct medsec_docs *s, const char *const *v, size_t n, const char *sep);
const char *docs_yesno(int v);
/* medsec_buf_addf whose failure becomes the set's first failure. */
void docs_addf(struct medsec_docs *s, struct medsec_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
medsec_err docs_sec_device(struct docs_gen *g, struct doc *d, int level, const char *area);
medsec_err docs_sec_architecture(struct docs_gen *g, struct doc *d, int level, const char *area);
medsec_err docs_sec_threats(struct docs_gen *g, struct doc *d, int level, const char *area,
                            const struct medsec_threat_list *tl);
medsec_err docs_sec_risk_method(struct docs_gen *g, struct doc *d, int level, const char *area);
medsec_err docs_sec_register(struct docs_gen *g, struct doc *d, int level, const char *area,
                             const struct medsec_risk_register *reg);
medsec_err docs_sec_safety_links(struct docs_gen *g, struct doc *d, int level, const char *area,
                                 const struct medsec_risk_register *reg);
/* Known vulnerabilities: the file's assessments and the triaged findings of the release; with
 * @unresolved only what still affects the device or is not decided (FDA unresolved anomalies). */
medsec_err docs_sec_vulns(struct docs_gen *g, struct doc *d, int level, const char *area,
                          bool unresolved);
medsec_err docs_sec_testing(struct docs_gen *g, struct doc *d, int level, const char *area);
medsec_err docs_sec_trace(struct docs_gen *g, struct doc *d, int level, const char *area,
                          const struct medsec_threat_list *tl,
                          const struct medsec_risk_register *reg);
/* The duties of operators, integrators and HDO IT and the environment assumptions (MDCG 2019-16
 * 2.6); a gap "duties" when there are none. */
medsec_err docs_sec_duties(struct docs_gen *g, struct doc *d, const char *area);
medsec_err docs_sec_policy_table(struct docs_gen *g, struct doc *d, const char *area);
medsec_err docs_sec_postmarket(struct docs_gen *g, struct doc *d, int level, const char *area);

/* ---- renderers ---- */
medsec_err docs_render_markdown(const struct medsec_docs *s, const struct doc *d,
                                struct medsec_buf *out);
medsec_err docs_render_html(const struct medsec_docs *s, const struct doc *d,
                            struct medsec_buf *out, struct medsec_error *err);
/* The site's stylesheet (style.css). */
medsec_err docs_render_css(const struct medsec_docs *s, struct medsec_buf *out);

#endif
