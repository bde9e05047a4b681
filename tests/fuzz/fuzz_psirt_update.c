/* fuzz_psirt_update.c: libFuzzer harness for continuing an advisory (medsec_psirt_opts.previous):
 * the input is the document found in the provider folder; whatever it holds, the advisory about the
 * glucose system's CVE-2018-3721 is written with its tracking continued, or refused with a reason,
 * never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/psirt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct medsec_device *dev;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_error err;
    if (!dev && medsec_device_open(NULL, MEDSEC_SOURCE_DIR "/examples/glucose-cloud", NULL, &dev,
                                   NULL, &err) != MEDSEC_OK)
        abort();
    struct medsec_psirt_opts o = {.today = "2026-11-28"};
    o.previous = (const char *)data;
    o.previous_len = size;
    o.previous_name = "fuzz";
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_psirt_written w;
    medsec_err rc =
        medsec_psirt_advisory(dev, NULL, NULL, "CVE-2018-3721", NULL, NULL, &o, &b, &w, &err);
    if (rc == MEDSEC_OK && (!w.tracking_id || !strstr(b.data, "\"revision_history\"")))
        abort(); /* a document with its tracking */
    if (rc != MEDSEC_OK && (!err.msg[0] || w.tracking_id))
        abort(); /* a refusal says why and hands nothing back */
    medsec_psirt_written_release(&w);
    medsec_buf_release(&b);
    return 0;
}
