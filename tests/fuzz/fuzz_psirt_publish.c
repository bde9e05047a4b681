/* fuzz_psirt_publish.c: libFuzzer harness for publishing a provider folder (medsec/psirt.h): the
 * input is the one advisory of a folder white/2026/; whatever it holds, publishing is an error that
 * says why or writes the .sha512, feed and provider-metadata.json of exactly that advisory, never a
 * crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsec/psirt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char doc[128];

static void remove_folder(void)
{
    static const char *const files[] = {"white/2026/a.json.sha512", "white/2026/a.json",
                                        "white/feed-tlp-white.json", "provider-metadata.json"};
    static const char *const dirs[] = {"white/2026", "white"};
    char p[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, dirs[i]);
        rmdir(p);
    }
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        char sub[128];
        snprintf(dir, sizeof dir, "/tmp/fuzz-psirt-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(sub, sizeof sub, "%s/white", dir);
        snprintf(doc, sizeof doc, "%s/white/2026", dir);
        if (mkdir(sub, 0700) || mkdir(doc, 0700))
            abort();
        snprintf(doc, sizeof doc, "%s/white/2026/a.json", dir);
        atexit(remove_folder);
    }
    FILE *f = fopen(doc, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f))
        abort();
    struct medsec_psirt_provider p = {"https://psirt.example.com/csaf", "Fuzz",
                                      "https://fuzz.example", true, 0};
    struct medsec_error err;
    medsec_err rc = medsec_psirt_publish(dir, &p, &err);
    if (rc == MEDSEC_OK && p.advisories != 1)
        abort(); /* the folder holds one advisory */
    if (rc != MEDSEC_OK && !err.msg[0])
        abort(); /* a refusal says why */
    return 0;
}
