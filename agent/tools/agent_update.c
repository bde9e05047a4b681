/* agent_update.c: medsec-agent's bundle side: the trust anchor, and `install` through msa_update
 * (the streaming verifier into the inactive slot). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_update.h"
#include "msa/agent.h"
#include "msa/trust.h"
#include "posix.h"

#define PROG "medsec-agent"
#define ANCHOR_MAX 4096

msa_err agent_anchor_check(const unsigned char *buf, size_t n)
{
    struct msa_port p;
    struct msa_trust t;
    memset(&p, 0, sizeof p);
    msa_posix_crypto(&p);
    return msa_trust_decode(&p, buf, n, &t);
}

static int file_read(void *arg, void *buf, size_t cap, size_t *got)
{
    FILE *f = arg;
    *got = fread(buf, 1, cap, f);
    return ferror(f) ? -1 : 0;
}

/* What to do about a refusal, or "". */
static const char *hint(msa_err rc)
{
    switch (rc) {
    case MSA_E_STATE:
        return " (an image waits on trial: boot and confirm it, or let it roll back, first; a "
               "decommissioned device takes no update)";
    case MSA_E_ROLLBACK: return " (a replayed or older release; install a newer one)";
    case MSA_E_TRUNCATED:
    case MSA_E_PORT:
        return " (the install is kept in the journal: install the complete bundle again to "
               "resume)";
    case MSA_E_KEY_UNKNOWN:
    case MSA_E_SIGNATURE:
    case MSA_E_THRESHOLD: return " (not signed by a key the device's trust anchor accepts)";
    case MSA_E_VENDOR:
    case MSA_E_CLASS: return " (a bundle for another device)";
    case MSA_E_IMAGE_DIGEST:
    case MSA_E_IMAGE_SIZE:
    case MSA_E_DIGEST: return " (the bundle was changed or corrupted after signing)";
    default: return "";
    }
}

int agent_install(int argc, char **argv)
{
    const char *dir = NULL, *bundle = NULL, *payload = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--payload") && i + 1 < argc)
            payload = argv[++i];
        else if (argv[i][0] == '-')
            return fprintf(stderr, PROG ": install: unknown option %s\n", argv[i]), 2;
        else if (!dir)
            dir = argv[i];
        else if (!bundle)
            bundle = argv[i];
        else
            return fprintf(stderr, PROG ": install: DIR BUNDLE [--payload FILE]\n"), 2;
    }
    if (!dir || !bundle)
        return fprintf(stderr,
                       PROG ": install: DIR BUNDLE [--payload FILE]\nTry '" PROG " --help'.\n"),
               2;
    static struct msa_update u;
    static unsigned char anchor[ANCHOR_MAX];
    struct msa_posix px;
    struct msa_port port;
    struct msa_agent a;
    struct msa_trust trust;
    int ex = 2;
    FILE *bf = NULL, *pf = NULL, *af = NULL;
    if (msa_posix_open(&px, dir, &port)) {
        fprintf(stderr, PROG ": %s: not a device folder (%s)\n", dir, strerror(errno));
        return 2;
    }
    const char *now = getenv("MSA_NOW");
    if (now && *now)
        px.now = strtoull(now, NULL, 10);
    const char *cut = getenv("MSA_CUT_AFTER");
    if (cut && *cut)
        msa_posix_cut_after(&px, strtol(cut, NULL, 10));
    msa_err rc = msa_agent_init(&a, &port);
    if (rc) {
        fprintf(stderr, PROG ": %s: cannot start the agent: %s\n", dir, msa_strerror(rc));
        ex = 1;
        goto out_close;
    }
    size_t alen = 0;
    if ((af = fopen(msa_posix_path(&px, "anchor.cbor"), "rb")))
        alen = fread(anchor, 1, sizeof anchor, af);
    if (!af || (rc = msa_trust_decode(&port, anchor, alen, &trust))) {
        fprintf(stderr, PROG ": %s/anchor.cbor: no usable trust anchor%s%s\n", dir, af ? ": " : "",
                af ? msa_strerror(rc) : "");
        goto out_close;
    }
    if (!(bf = fopen(bundle, "rb"))) {
        fprintf(stderr, PROG ": %s: cannot open: %s\n", bundle, strerror(errno));
        goto out_close;
    }
    if (payload && !(pf = fopen(payload, "rb"))) {
        fprintf(stderr, PROG ": %s: cannot open: %s\n", payload, strerror(errno));
        goto out_close;
    }
    rc = msa_update(&a, &u, &trust, NULL, file_read, bf, pf ? file_read : NULL, pf);
    if (rc) {
        if (px.lost)
            fprintf(stderr, PROG ": %s: the power went (MSA_CUT_AFTER) after %ld writes\n", dir,
                    px.writes);
        fprintf(stderr, PROG ": %s: %s refused: %s%s\n", dir, bundle, msa_strerror(rc),
                rc == MSA_E_STRUCTURE && !payload && msa_stream_authenticated(&u.stream)
                    ? " (its image may be detached: give it with --payload FILE)"
                    : hint(rc));
        ex = 1;
        goto out_close;
    }
    ex = 0;
    unsigned s = a.st.trial;
    printf("%s: installed security version %" PRIu64 " (%" PRIu32 " bytes) into slot %c%s; "
           "it runs on trial at the next boot\n",
           dir, a.st.slot[s].seq, a.st.slot[s].size, 'A' + s,
           a.inst_resumed ? ", resuming an interrupted install" : "");
out_close:
    if (af)
        fclose(af);
    if (bf)
        fclose(bf);
    if (pf)
        fclose(pf);
    msa_posix_close(&px);
    return ex;
}
