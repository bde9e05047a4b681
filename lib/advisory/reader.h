/* reader.h: state of one medsec_adv_read_* walk, shared by the reader and the CSV importers. */
#ifndef MEDSEC_ADVISORY_READER_H
#define MEDSEC_ADVISORY_READER_H

#include <stdbool.h>

#include "internal.h"

struct adv_reader {
    const struct medsec_adv_sink *sink;
    struct medsec_adv_read_stats *stats;
    struct medsec_diags *diags;
    struct medsec_error *err;
    struct medsec_arena arena; /* per-record scratch, released after each record */
    /* progress of the current top-level file */
    const char *progress_path;
    uint64_t progress_total;
};

/* Record a warning "origin:line:col: msg" (ENOMEM from the list is ignored: warnings are best effort). */
void adv_warn(struct adv_reader *r, const char *origin, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

bool adv_epss_detect(const char *text, size_t len);
medsec_err adv_epss_read(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* The KEV catalog as CSV (header row starting with cveID). */
bool adv_kev_csv_detect(const char *text, size_t len);
medsec_err adv_kev_csv_read(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* Content hash of a KEV entry (the same for the JSON and the CSV form of one entry). */
uint64_t adv_kev_hash(const struct medsec_kev_entry *k);

#endif
