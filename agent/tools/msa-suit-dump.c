/* msa-suit-dump: a host tool for the tests. Streams a SUIT envelope through the agent's verifier
 * (chunks of a fixed or random size) or verifies it in one call, and prints the plan as JSON on
 * stdout: sequence number, components with their parameters, the commands of each sequence, the
 * medsec metadata, and the result (an msa_err name). Exit 0 when the bundle verifies, 1 when the
 * agent rejects it (the JSON says why), 2 for a usage or file error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "msa/cbor.h"
#include "msa/stream.h"
#include "msa/suit.h"
#include "posix.h"

static const char usage[] =
    "usage: msa-suit-dump [OPTIONS] BUNDLE...\n"
    "Verify each SUIT envelope BUNDLE with the medsec agent; print its plan as one JSON line.\n"
    "  --trust FILE        trust anchor (CBOR, docs/suit.md)\n"
    "  --es256-spki FILE   or: trust this one P-256 key (DER SubjectPublicKeyInfo)\n"
    "  --counter N         the device's security version (default 0)\n"
    "  --any-sequence      accept any sequence number (inspection; not with --one-shot)\n"
    "  --vendor HEX        the device's vendor id (16 bytes; default: the anchor's)\n"
    "  --class HEX         the device's class id (16 bytes; default: the anchor's)\n"
    "  --now T             the device's clock, Unix seconds (default 0: no trusted time)\n"
    "  --revoked N         the device's revocation list number so far (default 0)\n"
    "  --chunk N           feed the bundle in chunks of N bytes (default 4096)\n"
    "  --seed S            feed chunks of random sizes 1..N (with --chunk N) from seed S\n"
    "  --buffer N          the verifier's buffer, bytes (default MSA_MANIFEST_MAX)\n"
    "  --one-shot          verify the bundle in memory with msa_suit_verify instead\n"
    "  --payload I=FILE    the detached payload of component I (repeatable)\n"
    "  --help              this text\n";

static const char *err_name(msa_err e)
{
    switch (e) {
    case MSA_OK: return "MSA_OK";
    case MSA_E_CBOR: return "MSA_E_CBOR";
    case MSA_E_TRUNCATED: return "MSA_E_TRUNCATED";
    case MSA_E_UNSUPPORTED: return "MSA_E_UNSUPPORTED";
    case MSA_E_LIMIT: return "MSA_E_LIMIT";
    case MSA_E_STRUCTURE: return "MSA_E_STRUCTURE";
    case MSA_E_SIGNATURE: return "MSA_E_SIGNATURE";
    case MSA_E_KEY_UNKNOWN: return "MSA_E_KEY_UNKNOWN";
    case MSA_E_KEY_EXPIRED: return "MSA_E_KEY_EXPIRED";
    case MSA_E_KEY_REVOKED: return "MSA_E_KEY_REVOKED";
    case MSA_E_KEY_PURPOSE: return "MSA_E_KEY_PURPOSE";
    case MSA_E_THRESHOLD: return "MSA_E_THRESHOLD";
    case MSA_E_DIGEST: return "MSA_E_DIGEST";
    case MSA_E_BAD_KEY: return "MSA_E_BAD_KEY";
    case MSA_E_VENDOR: return "MSA_E_VENDOR";
    case MSA_E_CLASS: return "MSA_E_CLASS";
    case MSA_E_ROLLBACK: return "MSA_E_ROLLBACK";
    case MSA_E_IMAGE_DIGEST: return "MSA_E_IMAGE_DIGEST";
    case MSA_E_IMAGE_SIZE: return "MSA_E_IMAGE_SIZE";
    case MSA_E_CONDITION: return "MSA_E_CONDITION";
    case MSA_E_PORT: return "MSA_E_PORT";
    case MSA_E_STATE: return "MSA_E_STATE";
    case MSA_E_NO_IMAGE: return "MSA_E_NO_IMAGE";
    case MSA_E_LOG: return "MSA_E_LOG";
    case MSA_E_ARG: return "MSA_E_ARG";
    case MSA_E_ROLLED_BACK: return "MSA_E_ROLLED_BACK";
    }
    return "MSA_E_?";
}

static const char *const seq_names[MSA_SEQ_COUNT] = {
    "shared",   "dependency-resolution", "payload-fetch", "install", "validate", "load", "invoke",
    "uninstall"};

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long len;

    if (f == NULL) {
        fprintf(stderr, "msa-suit-dump: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "msa-suit-dump: %s: cannot size the file\n", path);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)len + 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "msa-suit-dump: %s: cannot read the file\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static int hex_in(const char *s, unsigned char *out, size_t n)
{
    size_t i;
    if (strlen(s) != 2 * n)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

static void hex_out(const struct msa_bytes *b)
{
    size_t i;
    putchar('"');
    for (i = 0; b->ptr != NULL && i < b->len; i++)
        printf("%02x", b->ptr[i]);
    putchar('"');
}

static void str_out(const struct msa_bytes *b)
{
    size_t i;
    putchar('"');
    for (i = 0; b->ptr != NULL && i < b->len; i++) {
        unsigned char ch = b->ptr[i];
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* The component identifier: an array of bstr, printed as hex strings. */
static void id_out(const struct msa_bytes *id)
{
    struct msa_cbor c;
    size_t n, i;

    putchar('[');
    msa_cbor_init(&c, id->ptr, id->len);
    if (msa_cbor_array(&c, &n) == MSA_OK) {
        for (i = 0; i < n; i++) {
            struct msa_bytes b;
            if (msa_cbor_bstr(&c, &b.ptr, &b.len) != MSA_OK)
                break;
            if (i > 0)
                putchar(',');
            hex_out(&b);
        }
    }
    putchar(']');
}

static void plan_out(const struct msa_suit_plan *p, unsigned verified)
{
    unsigned k, q, i;

    printf(",\"sequence\":%llu,\"components\":[", (unsigned long long)p->sequence);
    for (k = 0; k < p->ncomponents; k++) {
        const struct msa_suit_component *c = &p->components[k];
        printf("%s{\"dependency\":%s,\"id\":", k ? "," : "", c->dependency ? "true" : "false");
        id_out(&c->id);
        if (c->have & MSA_HAVE_VENDOR) {
            printf(",\"vendor\":");
            hex_out(&c->vendor);
        }
        if (c->have & MSA_HAVE_CLASS) {
            printf(",\"class\":");
            hex_out(&c->class_id);
        }
        if (c->have & MSA_HAVE_DIGEST) {
            printf(",\"digest\":[%lld,", (long long)c->digest_alg);
            hex_out(&c->digest);
            putchar(']');
        }
        if (c->have & MSA_HAVE_SIZE)
            printf(",\"size\":%llu", (unsigned long long)c->size);
        if (c->have & MSA_HAVE_URI) {
            printf(",\"uri\":");
            str_out(&c->uri);
        }
        if (c->have & MSA_HAVE_SLOT)
            printf(",\"slot\":%llu", (unsigned long long)c->slot);
        printf(",\"encrypted\":%s,\"verified\":%s}",
               (c->have & MSA_HAVE_ENCRYPTION) ? "true" : "false",
               (verified & (1u << k)) ? "true" : "false");
    }
    printf("],\"sequences\":{");
    for (q = 0, i = 0; q < MSA_SEQ_COUNT; q++) {
        const struct msa_suit_seq *s = &p->seqs[q];
        unsigned j;
        if (!s->present)
            continue;
        printf("%s\"%s\":{\"severed\":%s,\"missing\":%s,\"unsupported\":%s,\"commands\":[",
               i++ ? "," : "", seq_names[q], s->severed ? "true" : "false",
               s->missing ? "true" : "false", (p->unsupported & (1u << q)) ? "true" : "false");
        for (j = 0; j < s->count; j++) {
            const struct msa_suit_command *cmd = &p->commands[s->first + j];
            printf("%s[%d,", j ? "," : "", cmd->code);
            if (cmd->arg_kind == MSA_CBOR_UINT)
                printf("%llu]", (unsigned long long)cmd->arg);
            else if (cmd->arg_kind == MSA_CBOR_SIMPLE && (cmd->arg == 20 || cmd->arg == 21))
                printf("%s]", cmd->arg == 21 ? "true" : "false");
            else
                printf("null]");
        }
        printf("]}");
    }
    printf("},\"dependencies\":%s", p->has_dependencies ? "true" : "false");
    if (p->reference_uri.ptr != NULL) {
        printf(",\"reference_uri\":");
        str_out(&p->reference_uri);
    }
    if (p->text.ptr != NULL) {
        printf(",\"text\":");
        hex_out(&p->text);
    }
    if (p->medsec.present) {
        printf(",\"medsec\":{\"version\":");
        str_out(&p->medsec.version);
        printf(",\"sbom_digest\":[%lld,", (long long)p->medsec.sbom_digest_alg);
        hex_out(&p->medsec.sbom_digest);
        printf("],\"sbom_name\":");
        str_out(&p->medsec.sbom_name);
        printf(",\"notes_uri\":");
        str_out(&p->medsec.notes_uri);
        printf(",\"model\":");
        str_out(&p->medsec.model);
        putchar('}');
    }
}

static uint64_t clock_value;

static uint64_t now(void *ctx)
{
    (void)ctx;
    return clock_value;
}

/* raw uncompressed P-256 point of a DER SubjectPublicKeyInfo */
static int spki_point(const unsigned char *der, size_t n, unsigned char out[65])
{
    const unsigned char *p = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)n);
    size_t len = 0;
    int rc = -1;

    if (key == NULL)
        return -1;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, 65, &len) ==
            1 &&
        len == 65)
        rc = 0;
    EVP_PKEY_free(key);
    return rc;
}

struct payload_arg {
    unsigned comp;
    const char *path;
};

static unsigned long long rng_state;

static size_t next_chunk(size_t max)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + (size_t)((rng_state >> 33) % max);
}

/* What reached the sink, per component: bytes in order (the offset must be the next one). */
static uint64_t sunk[MSA_COMPONENTS_MAX];
static int sink_disorder;

static int sink(void *arg, unsigned component, uint64_t offset, const unsigned char *bytes,
                size_t n)
{
    (void)arg;
    (void)bytes;
    if (component >= MSA_COMPONENTS_MAX || offset != sunk[component]) {
        sink_disorder = 1;
        return -1;
    }
    sunk[component] += n;
    return 0;
}

static void sink_out(void)
{
    struct rusage ru;
    unsigned k;

    printf(",\"sunk\":[");
    for (k = 0; k < MSA_COMPONENTS_MAX; k++)
        printf("%s%llu", k ? "," : "", (unsigned long long)sunk[k]);
    printf("],\"sink_disorder\":%s", sink_disorder ? "true" : "false");
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf(",\"max_rss_kib\":%ld", ru.ru_maxrss);
}

/* What the command line asked for. */
struct opts {
    struct msa_port port;
    struct msa_trust trust;
    uint64_t revoked_number, counter;
    struct payload_arg payloads[MSA_COMPONENTS_MAX];
    unsigned npayloads;
    unsigned char vendor[16], class_id[16];
    int have_vendor, have_class, one_shot, have_seed, any_sequence;
    size_t chunk, bufsize;
};

/* Verify the bundle at @path in memory with msa_suit_verify; print one JSON line. */
static int one_shot(const struct opts *o, const char *path)
{
    static struct msa_suit_envelope env;
    static struct msa_suit_plan plan;
    struct msa_revoked revoked;
    unsigned verified = 0, k, j;
    unsigned char *bundle;
    size_t len;
    msa_err e;

    memset(&revoked, 0, sizeof revoked);
    revoked.number = o->revoked_number;
    bundle = read_file(path, &len);
    if (bundle == NULL)
        return 2;
    e = msa_suit_verify(&o->port, &o->trust, &revoked, bundle, len,
                        o->have_vendor ? o->vendor : NULL, o->have_class ? o->class_id : NULL,
                        o->counter, &env, &plan);
    printf("{\"result\":\"%s\"", err_name(e));
    if (e == MSA_OK) {
        for (k = 0; k < plan.ncomponents; k++)
            for (j = 0; j < env.npayloads; j++)
                if (msa_suit_component_by_uri(&plan, env.payload_name[j].ptr,
                                              env.payload_name[j].len) == (int)k &&
                    msa_suit_payload_check(&plan, k) == MSA_OK)
                    verified |= 1u << k; /* msa_suit_verify checked its digest */
        plan_out(&plan, verified);
    }
    printf(",\"revoked\":%llu}\n", (unsigned long long)revoked.number);
    free(bundle);
    return e == MSA_OK ? 0 : 1;
}

/* Stream the bundle at @path from its file in chunks (constant memory), then the detached
 * payloads; print one JSON line. */
static int streamed(const struct opts *o, const char *path)
{
    static struct msa_stream st;
    struct msa_stream_config cfg;
    struct msa_revoked revoked;
    unsigned char *work, *chunk;
    FILE *f;
    unsigned j;
    msa_err e;
    int rc = 2;

    memset(&revoked, 0, sizeof revoked);
    revoked.number = o->revoked_number;
    memset(sunk, 0, sizeof sunk);
    sink_disorder = 0;
    memset(&cfg, 0, sizeof cfg);
    cfg.port = &o->port;
    cfg.trust = &o->trust;
    cfg.revoked = &revoked;
    cfg.counter = o->counter;
    cfg.vendor = o->have_vendor ? o->vendor : NULL;
    cfg.class_id = o->have_class ? o->class_id : NULL;
    cfg.sink = sink;
    cfg.any_sequence = o->any_sequence;
    work = malloc(o->bufsize);
    chunk = malloc(o->chunk);
    f = fopen(path, "rb");
    if (work == NULL || chunk == NULL || f == NULL) {
        fprintf(stderr, "msa-suit-dump: %s: %s\n", path, strerror(errno));
        goto out;
    }
    e = msa_stream_init(&st, &cfg, work, o->bufsize);
    while (e == MSA_OK) {
        size_t n = o->have_seed ? next_chunk(o->chunk) : o->chunk;
        size_t got = fread(chunk, 1, n, f);
        if (got == 0)
            break;
        e = msa_stream_feed(&st, chunk, got);
    }
    if (e == MSA_OK)
        e = msa_stream_finish(&st);
    for (j = 0; e == MSA_OK && j < o->npayloads; j++) {
        unsigned char *data;
        size_t len, at = 0;
        data = read_file(o->payloads[j].path, &len);
        if (data == NULL)
            goto out;
        e = msa_stream_payload_begin(&st, o->payloads[j].comp);
        while (e == MSA_OK && at < len) {
            size_t n = o->have_seed ? next_chunk(o->chunk) : o->chunk;
            if (n > len - at)
                n = len - at;
            e = msa_stream_payload_feed(&st, data + at, n);
            at += n;
        }
        if (e == MSA_OK)
            e = msa_stream_payload_end(&st);
        free(data);
    }
    printf("{\"result\":\"%s\"", err_name(e));
    if (msa_stream_plan(&st) != NULL)
        plan_out(msa_stream_plan(&st), msa_stream_verified(&st));
    sink_out();
    printf(",\"revoked\":%llu}\n", (unsigned long long)revoked.number);
    rc = e == MSA_OK ? 0 : 1;
out:
    if (f != NULL)
        fclose(f);
    free(chunk);
    free(work);
    return rc;
}

int main(int argc, char **argv)
{
    static struct opts o;
    unsigned char point[65];
    const char *trust_path = NULL, *spki_path = NULL;
    unsigned char *anchor = NULL;
    size_t anchor_len = 0;
    int i, first = 0, rc = 0;
    msa_err e;

    o.chunk = 4096;
    o.bufsize = MSA_MANIFEST_MAX;
    msa_posix_crypto(&o.port);
    o.port.now = now;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--one-shot") == 0) {
            o.one_shot = 1;
            continue;
        } else if (strcmp(a, "--any-sequence") == 0) {
            o.any_sequence = 1;
            continue;
        } else if (a[0] != '-') {
            first = i;
            break;
        }
        if (v == NULL)
            goto bad_usage;
        i++;
        if (strcmp(a, "--trust") == 0)
            trust_path = v;
        else if (strcmp(a, "--es256-spki") == 0)
            spki_path = v;
        else if (strcmp(a, "--counter") == 0)
            o.counter = strtoull(v, NULL, 10);
        else if (strcmp(a, "--now") == 0)
            clock_value = strtoull(v, NULL, 10);
        else if (strcmp(a, "--revoked") == 0)
            o.revoked_number = strtoull(v, NULL, 10);
        else if (strcmp(a, "--chunk") == 0)
            o.chunk = strtoul(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0) {
            rng_state = strtoull(v, NULL, 10);
            o.have_seed = 1;
        } else if (strcmp(a, "--buffer") == 0)
            o.bufsize = strtoul(v, NULL, 10);
        else if (strcmp(a, "--vendor") == 0 && hex_in(v, o.vendor, 16) == 0)
            o.have_vendor = 1;
        else if (strcmp(a, "--class") == 0 && hex_in(v, o.class_id, 16) == 0)
            o.have_class = 1;
        else if (strcmp(a, "--payload") == 0 && strchr(v, '=') != NULL &&
                 o.npayloads < MSA_COMPONENTS_MAX) {
            o.payloads[o.npayloads].comp = (unsigned)strtoul(v, NULL, 10);
            o.payloads[o.npayloads++].path = strchr(v, '=') + 1;
        } else
            goto bad_usage;
    }
    if (first == 0 || (trust_path == NULL) == (spki_path == NULL) || o.chunk == 0 || o.bufsize == 0)
        goto bad_usage;

    if (trust_path != NULL) {
        anchor = read_file(trust_path, &anchor_len);
        if (anchor == NULL)
            return 2;
        e = msa_trust_decode(&o.port, anchor, anchor_len, &o.trust);
        if (e != MSA_OK) {
            fprintf(stderr, "msa-suit-dump: %s: not a trust anchor: %s\n", trust_path,
                    msa_strerror(e));
            free(anchor);
            return 2;
        }
    } else {
        anchor = read_file(spki_path, &anchor_len);
        if (anchor == NULL)
            return 2;
        if (spki_point(anchor, anchor_len, point) != 0 ||
            msa_trust_single(&o.port, &o.trust, MSA_ALG_ES256, point, 65) != MSA_OK) {
            fprintf(stderr, "msa-suit-dump: %s: not a P-256 public key\n", spki_path);
            free(anchor);
            return 2;
        }
    }
    /* one JSON line per bundle; exit with the worst outcome */
    for (i = first; i < argc; i++) {
        int r = o.one_shot ? one_shot(&o, argv[i]) : streamed(&o, argv[i]);
        if (r > rc)
            rc = r;
        fflush(stdout);
    }
    free(anchor);
    return rc;
bad_usage:
    fputs(usage, stderr);
    return 2;
}
