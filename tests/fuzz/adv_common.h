/* adv_common.h: what the advisory record harnesses (fuzz_osv, fuzz_nvd, fuzz_csaf) share. */
#ifndef MEDSEC_FUZZ_ADV_COMMON_H
#define MEDSEC_FUZZ_ADV_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/advisory.h"

typedef medsec_err (*fuzz_adv_parse_fn)(const struct medsec_json_doc *doc,
                                        const struct medsec_json *v, struct medsec_arena *arena,
                                        struct medsec_advisory *out, struct medsec_error *err);

/*
 * Parse @data as JSON and hand the root to @parse; then read the same bytes through the advisory
 * reader (format detection, NVD streaming, warnings). Aborts when a parsed advisory holds an
 * unreadable string, when the reader fails on bad input instead of warning, or when its count of
 * skipped records differs from its warnings.
 */
void fuzz_adv_record(const uint8_t *data, size_t size, fuzz_adv_parse_fn parse);

#endif
