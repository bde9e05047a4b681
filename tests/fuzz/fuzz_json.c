/* fuzz_json.c: libFuzzer harness for the JSON parser and writer round trip. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "medsec/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_json_doc *doc = NULL;
    struct medsec_error err;
    struct medsec_json_limits lim = {.max_bytes = 1 << 20, .max_depth = 64};
    if (medsec_json_parse((const char *)data, size, &lim, "fuzz", &doc, &err) != MEDSEC_OK)
        return 0;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 0);
    medsec_jsonw_value(&w, doc->root);
    if (medsec_jsonw_finish(&w) == MEDSEC_OK) {
        /* what we write must parse again */
        struct medsec_json_doc *again = NULL;
        if (medsec_json_parse(b.data, b.len, &lim, "again", &again, &err) != MEDSEC_OK)
            abort();
        medsec_json_doc_free(again);
    }
    medsec_buf_release(&b);
    medsec_json_doc_free(doc);
    return 0;
}
