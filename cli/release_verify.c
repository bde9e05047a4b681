/* release_verify.c: `medsec release verify` and `medsec release inspect`: bundles read through the
 * device agent's decoder and verifier (medsec_release_verify / _inspect, lib/release/verify.c),
 * never a second decoder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/file.h"
#include "medsec/json.h"
#include "medsec/release.h"
#include "release_verify.h"

#define ANCHOR_MAX (1u << 16)

/* msa_err codes (agent/include/msa/msa.h), for the advice on each */
enum {
    E_CBOR = -1,
    E_TRUNCATED = -2,
    E_UNSUPPORTED = -3,
    E_LIMIT = -4,
    E_STRUCTURE = -5,
    E_SIGNATURE = -10,
    E_KEY_UNKNOWN = -11,
    E_KEY_EXPIRED = -12,
    E_KEY_REVOKED = -13,
    E_KEY_PURPOSE = -14,
    E_THRESHOLD = -15,
    E_DIGEST = -16,
    E_BAD_KEY = -17,
    E_VENDOR = -20,
    E_CLASS = -21,
    E_ROLLBACK = -22,
    E_IMAGE_DIGEST = -23,
    E_IMAGE_SIZE = -24,
    E_PORT = -30
};

/* What the user should make of a rejection. */
static const char *advice(int e)
{
    switch (e) {
    case E_CBOR:
    case E_STRUCTURE: return "the bundle is corrupted or is not a SUIT envelope: do not install it";
    case E_TRUNCATED: return "the bundle ends early (a cut download or copy): fetch it again";
    case E_UNSUPPORTED: return "it uses a SUIT or COSE feature the device agent does not implement";
    case E_LIMIT:
        return "it exceeds a bound of the agent (msa_config.h): a device would refuse it too";
    case E_SIGNATURE:
        return "the bundle or a signature was changed, or another key made it: do not install it";
    case E_KEY_UNKNOWN:
        return "no key of this anchor, nor a certificate in the bundle, vouches for the signer "
               "(check --anchor; sign with --cert for a release key)";
    case E_KEY_EXPIRED:
        return "the release key's certificate is not valid at this time: certify the key again "
               "or sign with a current one";
    case E_KEY_REVOKED: return "the signing key is on the revocation list: sign with another key";
    case E_KEY_PURPOSE:
        return "the key's certificate does not allow signing releases (certify --purpose sign)";
    case E_THRESHOLD:
        return "fewer roots vouch than the anchor's threshold: add signatures (sign --key ... "
               "--key ...)";
    case E_DIGEST: return "the manifest was changed after it was signed: do not install it";
    case E_BAD_KEY: return "a certificate or key in the bundle is malformed";
    case E_VENDOR:
    case E_CLASS:
        return "the bundle is for another device (vendor or class id): check --vendor-domain and "
               "--hardware at signing, or the anchor";
    case E_ROLLBACK:
        return "the bundle is not newer than the device's security version: a replayed older "
               "release is refused";
    case E_IMAGE_DIGEST:
    case E_IMAGE_SIZE:
        return "the payload is not the one that was signed (corrupted, or the wrong --payload)";
    default: return "the bundle is refused";
    }
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *e;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 10);
    if (*e || errno)
        return false;
    *v = x;
    return true;
}

/* The trusted key of --key PUB (a medsec release key file or a PEM public key). */
static int load_key(const char *path, struct medsec_release_pub *pub)
{
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    medsec_err rc = medsec_file_read(path, MEDSEC_RELEASE_KEYFILE_MAX, &text, &len, &err);
    if (!rc)
        rc = medsec_release_pub_read(text, len, path, pub, &err);
    medsec_free(text);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

/* The clock for certificate validity: --now, else the run's clock (MEDSEC_NOW), "none" = 0. */
static int clock_of(const char *cmd, const char *now_s, uint64_t *now)
{
    int64_t t = medsec_ctx_now(cli_context());
    if (now_s && !strcmp(now_s, "none"))
        t = 0;
    else if (now_s && (!medsec_time_parse(now_s, &t) || t < 0))
        return cli_usage_error(cmd, "--now is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or none");
    *now = (uint64_t)t;
    return EXIT_OK_;
}

int release_verify(int argc, char **argv)
{
    const char *anchor_path = NULL, *min_s = NULL, *counter_s = NULL, *now_s = NULL,
               *key_path = NULL;
    struct cli_strings payloads = {0};
    int format = CLI_TEXT;
    const struct cli_option opts[] = {
        {0, "anchor", CLI_OPT_STRING, &anchor_path, 0, "FILE",
         "the device's trust anchor (release anchor)"},
        {0, "key", CLI_OPT_STRING, &key_path, 0, "PUB",
         "instead of an anchor, trust this one public key (a medsec key file\nor PEM; no vendor or "
         "class is checked)"},
        {0, "payload", CLI_OPT_STRINGS, &payloads, 0, "FILE",
         "a detached payload (repeatable, in the order of the components)"},
        {0, "counter", CLI_OPT_STRING, &counter_s, 0, "N",
         "the device's security version: the bundle's sequence number must be\nabove it "
         "(anti-rollback)"},
        {0, "min-sequence", CLI_OPT_STRING, &min_s, 0, "N",
         "the bundle's sequence number must be at least N"},
        {0, "now", CLI_OPT_STRING, &now_s, 0, "TIME",
         "the time certificates must be valid at (default now or MEDSEC_NOW;\n\"none\": a device "
         "without a trusted clock)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the verdict as JSON"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release verify",
        .usage = "medsec release verify BUNDLE (--anchor FILE | --key PUB) [--payload FILE]...\n"
                 "           [--counter N | --min-sequence N] [--now TIME|none] [--json]",
        .about =
            "Check a bundle as a device with this trust anchor would, with the device agent's "
            "own\n"
            "code: signatures (k of n roots, certificates, revocation list), vendor and class,\n"
            "the manifest digest, the sequence number against the device's counter, and the\n"
            "digest and size of every payload, streamed in chunks (constant memory).\n",
        .opts = opts,
        .more = "Exit: 0 the bundle is authentic and acceptable, 1 it is rejected (the reason is\n"
                "printed), 2 bad usage or a file that cannot be read, 3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the bundle to verify",
        .extra = "one bundle only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    char *anchor = NULL;
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    struct medsec_release_verify_opts o;
    memset(&o, 0, sizeof o);
    uint64_t n = 0;
    if (!anchor_path == !key_path) {
        ex = cli_usage_error("release verify", "give the device's --anchor FILE, or one --key PUB");
        goto out_free;
    }
    struct medsec_release_pub key;
    if (key_path && (ex = load_key(key_path, &key)) != EXIT_OK_)
        goto out_free;
    if (counter_s && min_s) {
        ex = cli_usage_error("release verify", "--counter and --min-sequence exclude each other");
        goto out_free;
    }
    if (counter_s || min_s) {
        if (!parse_u64(counter_s ? counter_s : min_s, &n)) {
            ex = cli_usage_error("release verify", "%s is not a number",
                                 counter_s ? "--counter" : "--min-sequence");
            goto out_free;
        }
        /* at least N is above N - 1; --min-sequence 0 asks nothing */
        o.check_sequence = counter_s || n > 0;
        o.counter = counter_s ? n : n - (n > 0);
    }
    if ((ex = clock_of("release verify", now_s, &o.now)) != EXIT_OK_)
        goto out_free;
    struct medsec_error err;
    size_t alen = 0;
    medsec_err rc =
        anchor_path ? medsec_file_read(anchor_path, ANCHOR_MAX, &anchor, &alen, &err) : MEDSEC_OK;
    struct medsec_release_verdict v;
    o.key = key_path ? &key : NULL;
    if (!rc) {
        o.anchor = anchor;
        o.anchor_len = alen;
        o.anchor_name = anchor_path;
        o.payloads = payloads.v;
        o.npayloads = payloads.n;
        rc = medsec_release_verify(args[0], &o, &v, &err);
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    bool good = v.result == 0 && !v.missing_payload && !v.extra_payloads;
    ex = good ? EXIT_OK_ : EXIT_FINDINGS;
    if (format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        struct cli_output out = {0};
        out.f = stdout;
        medsec_jsonw_init(&w, &jb, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "bundle", args[0]);
        medsec_jsonw_kv_bool(&w, "accepted", good);
        medsec_jsonw_kv_int(&w, "error_code", v.result);
        medsec_jsonw_kv_string(&w, "error",
                               v.result            ? medsec_release_msa_strerror(v.result)
                               : v.missing_payload ? "a detached payload was not given"
                               : v.extra_payloads  ? "more payload files than detached payloads"
                                                   : NULL);
        medsec_jsonw_kv_bool(&w, "authenticated", v.authenticated);
        medsec_jsonw_key(&w, "sequence");
        medsec_jsonw_uint(&w, v.sequence);
        medsec_jsonw_kv_bool(&w, "sequence_checked", o.check_sequence);
        medsec_jsonw_kv_string(&w, "version", v.version[0] ? v.version : NULL);
        medsec_jsonw_kv_string(&w, "model", v.model[0] ? v.model : NULL);
        medsec_jsonw_key(&w, "bundle_size");
        medsec_jsonw_uint(&w, v.bundle_size);
        medsec_jsonw_key(&w, "detached_bytes");
        medsec_jsonw_uint(&w, v.payload_bytes);
        medsec_jsonw_kv_int(&w, "components", v.ncomponents);
        medsec_jsonw_object_end(&w);
        int jx = cli_output_json(&out, &w, &jb);
        medsec_buf_release(&jb);
        if (jx != EXIT_OK_)
            ex = jx;
    }
    if (good) {
        if (format != CLI_JSON)
            printf("%s: authentic: %s %s, security version %llu%s, %u component%s verified\n",
                   cli_esc(args[0]), v.model[0] ? cli_esc(v.model) : "(no model)",
                   v.version[0] ? cli_esc(v.version) : "(no version)",
                   (unsigned long long)v.sequence,
                   o.check_sequence ? "" : " (not checked against a counter)", v.ncomponents,
                   v.ncomponents == 1 ? "" : "s");
    } else if (v.result) {
        fprintf(stderr, "medsec: %s: error: rejected: %s: %s\n", cli_esc(args[0]),
                medsec_release_msa_strerror(v.result), advice(v.result));
    } else if (v.missing_payload) {
        fprintf(stderr,
                "medsec: %s: error: rejected: the detached payload %s was not given (--payload "
                "FILE)\n",
                cli_esc(args[0]), cli_esc(v.missing_uri));
    } else {
        fprintf(stderr,
                "medsec: %s: error: %zu --payload file%s more than the bundle's detached "
                "payloads\n",
                cli_esc(args[0]), v.extra_payloads, v.extra_payloads == 1 ? "" : "s");
    }
out_free:
    medsec_free(anchor);
    cli_strings_release(&payloads);
    return ex;
}

/* ---- inspect -------------------------------------------------------------------------------- */

static const char *const seq_names[MEDSEC_RELEASE_SEQS] = {
    "shared",   "dependency-resolution", "payload-fetch", "install", "validate", "load", "invoke",
    "uninstall"};

static const char *command_name(int c)
{
    switch (c) {
    case 1: return "condition-vendor-identifier";
    case 2: return "condition-class-identifier";
    case 3: return "condition-image-match";
    case 5: return "condition-component-slot";
    case 6: return "condition-check-content";
    case 12: return "directive-set-component-index";
    case 14: return "condition-abort";
    case 15: return "directive-try-each";
    case 18: return "directive-write";
    case 19: return "directive-set-parameters";
    case 20: return "directive-override-parameters";
    case 21: return "directive-fetch";
    case 22: return "directive-copy";
    case 23: return "directive-invoke";
    case 24: return "condition-device-identifier";
    case 31: return "directive-swap";
    case 32: return "directive-run-sequence";
    default: return NULL;
    }
}

static void json_hex(struct medsec_jsonw *w, const char *key, const unsigned char *p, size_t n)
{
    char h[2 * 64 + 1];
    hex(p, n < 64 ? n : 64, h);
    medsec_jsonw_kv_string(w, key, h);
}

static void json_sig(struct medsec_jsonw *w, const struct medsec_release_sig_info *s, bool cert,
                     bool rev)
{
    medsec_jsonw_object_begin(w);
    if (medsec_release_alg_name(s->alg))
        medsec_jsonw_kv_string(w, "alg", medsec_release_alg_name(s->alg));
    else
        medsec_jsonw_kv_int(w, "alg", s->alg);
    if (s->has_kid)
        json_hex(w, cert || rev ? "issuer_kid" : "kid", s->kid, 16);
    if (cert) {
        if (s->has_subject)
            json_hex(w, "subject_kid", s->subject, 16);
        medsec_jsonw_key(w, "not_before");
        medsec_jsonw_uint(w, s->u[4]);
        medsec_jsonw_key(w, "not_after");
        medsec_jsonw_uint(w, s->u[5]);
        medsec_jsonw_key(w, "purposes");
        medsec_jsonw_uint(w, s->u[6]);
        medsec_jsonw_key(w, "serial");
        medsec_jsonw_uint(w, s->u[8]);
    }
    if (rev) {
        medsec_jsonw_key(w, "number");
        medsec_jsonw_uint(w, s->u[1]);
        medsec_jsonw_key(w, "issued");
        medsec_jsonw_uint(w, s->u[2]);
        medsec_jsonw_kv_int(w, "revoked", (long long)s->list_len);
    }
    medsec_jsonw_object_end(w);
}

static void inspect_json(const char *path, const struct medsec_release_inspection *in,
                         struct medsec_jsonw *w)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "bundle", path);
    medsec_jsonw_key(w, "bundle_size");
    medsec_jsonw_uint(w, in->bundle_size);
    medsec_jsonw_key(w, "sequence");
    medsec_jsonw_uint(w, in->sequence);
    medsec_jsonw_key(w, "release");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "version", in->version[0] ? in->version : NULL);
    medsec_jsonw_kv_string(w, "model", in->model[0] ? in->model : NULL);
    medsec_jsonw_kv_string(w, "sbom", in->sbom_name[0] ? in->sbom_name : NULL);
    if (in->has_sbom_digest)
        json_hex(w, "sbom_sha256", in->sbom_digest, 32);
    medsec_jsonw_kv_string(w, "notes_uri", in->notes_uri[0] ? in->notes_uri : NULL);
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "components");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < in->ncomponents; i++) {
        const struct medsec_release_component_info *c = &in->components[i];
        medsec_jsonw_object_begin(w);
        json_hex(w, "id", c->id, c->id_len);
        if (c->has_vendor)
            json_hex(w, "vendor_id", c->vendor, 16);
        if (c->has_class)
            json_hex(w, "class_id", c->class_id, 16);
        if (c->has_digest)
            json_hex(w, "sha256", c->digest, 32);
        if (c->has_size) {
            medsec_jsonw_key(w, "size");
            medsec_jsonw_uint(w, c->size);
        }
        medsec_jsonw_kv_string(w, "uri", c->uri[0] ? c->uri : NULL);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "sequences");
    medsec_jsonw_object_begin(w);
    for (unsigned q = 0; q < MEDSEC_RELEASE_SEQS; q++) {
        if (!in->seqs[q].present)
            continue;
        medsec_jsonw_key(w, seq_names[q]);
        medsec_jsonw_array_begin(w);
        for (unsigned k = 0; k < in->seqs[q].ncommands; k++) {
            const char *nm = command_name(in->seqs[q].commands[k]);
            if (nm)
                medsec_jsonw_string(w, nm);
            else
                medsec_jsonw_int(w, in->seqs[q].commands[k]);
        }
        medsec_jsonw_array_end(w);
    }
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "signatures");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < in->nsigs; i++)
        json_sig(w, &in->sigs[i], false, false);
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "certificates");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < in->ncerts; i++)
        json_sig(w, &in->certs[i], true, false);
    medsec_jsonw_array_end(w);
    if (in->has_revocation) {
        medsec_jsonw_key(w, "revocation_list");
        json_sig(w, &in->revocation, false, true);
    }
    medsec_jsonw_key(w, "payloads");
    medsec_jsonw_array_begin(w);
    for (unsigned i = 0; i < in->npayloads; i++) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", in->payloads[i].name);
        medsec_jsonw_key(w, "size");
        medsec_jsonw_uint(w, in->payloads[i].size);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    if (in->auth_result != 1) {
        medsec_jsonw_kv_bool(w, "authenticated", in->auth_result == 0);
        if (in->auth_result)
            medsec_jsonw_kv_string(w, "auth_error", medsec_release_msa_strerror(in->auth_result));
    }
    medsec_jsonw_object_end(w);
}

static void inspect_text(const char *path, const struct medsec_release_inspection *in,
                         const char *trusted)
{
    char h[129];
    printf("%s: SUIT envelope, %llu bytes\n", cli_esc(path), (unsigned long long)in->bundle_size);
    printf("  sequence number (security version): %llu\n", (unsigned long long)in->sequence);
    if (in->version[0] || in->model[0])
        printf("  release: %s %s\n", in->model[0] ? cli_esc(in->model) : "-",
               in->version[0] ? cli_esc(in->version) : "-");
    if (in->sbom_name[0] || in->has_sbom_digest) {
        if (in->has_sbom_digest)
            hex(in->sbom_digest, 32, h);
        printf("  SBOM: %s%s%s\n", in->sbom_name[0] ? cli_esc(in->sbom_name) : "-",
               in->has_sbom_digest ? " sha256 " : "", in->has_sbom_digest ? h : "");
    }
    if (in->notes_uri[0])
        printf("  release notes: %s\n", cli_esc(in->notes_uri));
    for (unsigned i = 0; i < in->ncomponents; i++) {
        const struct medsec_release_component_info *c = &in->components[i];
        hex(c->id, c->id_len < 64 ? c->id_len : 64, h);
        printf("  component %u (id %s):\n", i, h);
        if (c->has_vendor)
            hex(c->vendor, 16, h), printf("    vendor id %s\n", h);
        if (c->has_class)
            hex(c->class_id, 16, h), printf("    class id  %s\n", h);
        if (c->has_digest)
            hex(c->digest, 32, h), printf("    sha256    %s\n", h);
        if (c->has_size)
            printf("    size      %llu\n", (unsigned long long)c->size);
        if (c->uri[0])
            printf("    uri       %s\n", cli_esc(c->uri));
    }
    for (unsigned q = 0; q < MEDSEC_RELEASE_SEQS; q++) {
        if (!in->seqs[q].present)
            continue;
        printf("  %s:", seq_names[q]);
        for (unsigned k = 0; k < in->seqs[q].ncommands; k++) {
            const char *nm = command_name(in->seqs[q].commands[k]);
            if (nm)
                printf(" %s", nm);
            else
                printf(" %d", in->seqs[q].commands[k]);
        }
        printf("%s\n", in->seqs[q].severed ? " (severed)" : "");
    }
    for (unsigned i = 0; i < in->nsigs; i++) {
        const struct medsec_release_sig_info *s = &in->sigs[i];
        if (s->has_kid)
            hex(s->kid, 16, h);
        char alg[24];
        snprintf(alg, sizeof alg, "alg %d", s->alg);
        printf("  signature %u: %s by %s\n", i,
               medsec_release_alg_name(s->alg) ? medsec_release_alg_name(s->alg) : alg,
               s->has_kid ? h : "(no kid)");
    }
    for (unsigned i = 0; i < in->ncerts; i++) {
        const struct medsec_release_sig_info *s = &in->certs[i];
        char sub[33] = "-", t0[21], t1[21];
        if (s->has_kid)
            hex(s->kid, 16, h);
        if (s->has_subject)
            hex(s->subject, 16, sub);
        medsec_time_format((int64_t)s->u[4], t0);
        medsec_time_format((int64_t)s->u[5], t1);
        printf("  certificate %u: key %s by root %s, %s .. %s, purposes %llu, serial %llu\n", i,
               sub, s->has_kid ? h : "?", t0, t1, (unsigned long long)s->u[6],
               (unsigned long long)s->u[8]);
    }
    if (in->has_revocation) {
        if (in->revocation.has_kid)
            hex(in->revocation.kid, 16, h);
        printf("  revocation list %llu by %s: %zu key%s revoked\n",
               (unsigned long long)in->revocation.u[1], in->revocation.has_kid ? h : "?",
               in->revocation.list_len, in->revocation.list_len == 1 ? "" : "s");
    }
    for (unsigned i = 0; i < in->npayloads; i++)
        printf("  payload %s: %llu bytes\n", cli_esc(in->payloads[i].name),
               (unsigned long long)in->payloads[i].size);
    if (in->auth_result == 0)
        printf("  authentic for the %s\n", trusted);
    else if (in->auth_result != 1)
        printf("  NOT authentic for the %s: %s\n", trusted,
               medsec_release_msa_strerror(in->auth_result));
}

int release_inspect(int argc, char **argv)
{
    const char *anchor_path = NULL, *now_s = NULL, *key_path = NULL;
    int format = CLI_TEXT;
    const struct cli_option opts[] = {
        {0, "anchor", CLI_OPT_STRING, &anchor_path, 0, "FILE",
         "also check the signatures against this trust anchor"},
        {0, "key", CLI_OPT_STRING, &key_path, 0, "PUB",
         "or against this one public key (a medsec key file or PEM)"},
        {0, "now", CLI_OPT_STRING, &now_s, 0, "TIME",
         "the time certificates must be valid at (as for verify)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release inspect",
        .usage = "medsec release inspect BUNDLE [--anchor FILE | --key PUB] [--now TIME|none] "
                 "[--json]",
        .about = "Show what a bundle holds, decoded by the device agent's decoder: the sequence\n"
                 "number, release metadata, components (ids, digests, sizes, URIs), the commands\n"
                 "of each sequence, signatures, certificates, revocation list and payload sizes.\n"
                 "Payloads are not read. Without --anchor nothing is authenticated: use verify.\n",
        .opts = opts,
        .more = "Exit: 0 shown, 1 the bundle does not decode (or, with --anchor, is not "
                "authentic),\n2 bad usage or a file that cannot be read, 3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the bundle to inspect",
        .extra = "one bundle only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    char *anchor = NULL;
    struct medsec_release_inspection *in = NULL;
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    uint64_t now = 0;
    struct medsec_release_pub key;
    if (anchor_path && key_path) {
        ex = cli_usage_error("release inspect", "--anchor and --key exclude each other");
        goto out_free;
    }
    if ((ex = clock_of("release inspect", now_s, &now)) != EXIT_OK_ ||
        (key_path && (ex = load_key(key_path, &key)) != EXIT_OK_))
        goto out_free;
    struct medsec_error err;
    size_t alen = 0;
    medsec_err rc = MEDSEC_OK;
    if (anchor_path)
        rc = medsec_file_read(anchor_path, ANCHOR_MAX, &anchor, &alen, &err);
    if (!rc && !(in = medsec_calloc(1, sizeof *in)))
        rc = medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (!rc)
        rc = medsec_release_inspect(args[0], anchor, alen, anchor_path, key_path ? &key : NULL, now,
                                    in, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    int bad = in->decode_result ? in->decode_result : in->manifest_result;
    if (bad) {
        fprintf(stderr, "medsec: %s: error: does not decode: %s: %s\n", cli_esc(args[0]),
                medsec_release_msa_strerror(bad), advice(bad));
        ex = EXIT_FINDINGS;
        goto out_free;
    }
    if (format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        struct cli_output out = {0};
        out.f = stdout;
        medsec_jsonw_init(&w, &jb, 1);
        inspect_json(args[0], in, &w);
        ex = cli_output_json(&out, &w, &jb);
        medsec_buf_release(&jb);
    } else {
        inspect_text(args[0], in, key_path ? "key" : "anchor");
    }
    if (ex == EXIT_OK_ && in->auth_result != 1 && in->auth_result != 0)
        ex = EXIT_FINDINGS;
out_free:
    medsec_free(anchor);
    medsec_free(in);
    return ex;
}
