/* fuzz_cpemap.c: libFuzzer harness for the CPE map format (medsec/cpemap.h) and the URL key: a map
 * that parses has entries whose CPEs parse back, each with a name, and url entries whose own key
 * finds them; the URL key of any line is NUL-terminated within its caps and, on a shared hosting
 * site, never the host alone. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/cpe.h"
#include "medsec/cpemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_cpemap *m = NULL;
    struct medsec_error err;
    if (medsec_cpemap_parse((const char *)data, size, "fuzz.tsv", &m, &err) == MEDSEC_OK) {
        for (size_t i = 0; i < medsec_cpemap_count(m); i++) {
            const struct medsec_cpemap_entry *e = medsec_cpemap_at(m, i);
            if (!e->name || !e->name[0] || e->ncpes > MEDSEC_CPEMAP_MAX_CPES)
                abort();
            for (size_t k = 0; k < e->ncpes; k++) {
                struct medsec_cpe c;
                if (medsec_cpe_parse(e->cpes[k], strlen(e->cpes[k]), &c, &err) != MEDSEC_OK)
                    abort();
            }
            if (e->kind == MEDSEC_CPEMAP_URL) {
                const struct medsec_cpemap_entry *f = medsec_cpemap_find_url(m, e->host, e->path);
                if (!f || strcmp(f->path, e->path) != 0)
                    abort();
            } else if (!medsec_cpemap_find(m, e->kind, e->name)) {
                abort();
            }
        }
        medsec_cpemap_free(m);
    } else if (m) {
        abort();
    }
    /* the input as one URL */
    char url[4096], host[MEDSEC_CPE_URL_HOST_MAX], path[MEDSEC_CPE_URL_PATH_MAX];
    size_t n = size < sizeof url - 1 ? size : sizeof url - 1;
    memcpy(url, data, n);
    url[n] = '\0';
    if (medsec_cpe_url_key(url, host, sizeof host, path, sizeof path)) {
        if (strlen(host) >= sizeof host || strlen(path) >= sizeof path || !host[0])
            abort();
        int shared = medsec_cpe_url_shared_host(host);
        if (shared < 0 || (shared > 0 && !path[0]))
            abort();
    }
    return 0;
}
