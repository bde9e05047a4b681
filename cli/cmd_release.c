/* cmd_release.c: `medsec release`: the manufacturer's keys and signed update bundles (SUIT
 * envelopes, docs/release.md): keygen, certify, revoke, anchor, sign, and verify / inspect through
 * the device agent's own decoder. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/device.h"
#include "medsec/file.h"
#include "medsec/json.h"
#include "medsec/model.h"
#include "medsec/release.h"
#include "release_verify.h"

#define PASS_MAX 1024 /* bytes of a passphrase file's first line */

static const char exit_text[] =
    "Exit: 0 done, 2 bad usage or input (a bad key file, a wrong passphrase, a file that\n"
    "cannot be read or written), 3 internal error.\n";

/* ---- shared helpers ----------------------------------------------------------------------- */

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

/* @s as exactly @n bytes of hexadecimal. */
static bool unhex(const char *s, unsigned char *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return false;
    for (size_t i = 0; i < 2 * n; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return false;
        out[i / 2] = (unsigned char)(i % 2 ? (out[i / 2] << 4) | v : v);
    }
    return true;
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

/* Zero @n bytes at @p in a way the compiler may not drop as a dead store before free. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* The passphrase for the @i-th key: from the environment variable or the file given (one of them
 * for every key, or one for all). Returns a new string (wipe and free), or NULL after saying why.
 */
static char *passphrase(const char *cmd, const struct cli_strings *envs,
                        const struct cli_strings *files, size_t i, const char *keypath)
{
    const struct cli_strings *src = envs->n ? envs : files;
    if (!src->n || (envs->n && files->n)) {
        cli_usage_error(cmd,
                        "%s: give the passphrase with --passphrase-env VAR or "
                        "--passphrase-file FILE (one, or one per key)",
                        keypath);
        return NULL;
    }
    if (src->n != 1 && i >= src->n) {
        cli_usage_error(cmd, "%zu keys but %zu passphrases: give one for all or one per key", i + 1,
                        src->n);
        return NULL;
    }
    const char *name = src->v[src->n == 1 ? 0 : i];
    if (src == envs) {
        const char *v = getenv(name);
        if (!v) {
            fprintf(stderr, "medsec %s: error: the environment variable %s is not set\n", cmd,
                    cli_esc(name));
            return NULL;
        }
        char *p = medsec_strdup(v);
        if (!p)
            fputs("medsec: error: out of memory\n", stderr);
        return p;
    }
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    medsec_err rc = medsec_file_read(name, PASS_MAX, &text, &len, &err);
    if (rc) {
        cli_fail(&err, rc);
        return NULL;
    }
    /* the first line, without its line end */
    size_t n = strcspn(text, "\r\n");
    text[n] = 0;
    if (n < len)
        wipe(text + n + 1, len - n - 1);
    return text;
}

static void wipe_free(char *s)
{
    if (s) {
        wipe(s, strlen(s));
        medsec_free(s);
    }
}

/* Read the private key file @path with its passphrase into @key; prints why not. */
static int load_key(const char *cmd, const char *path, const struct cli_strings *envs,
                    const struct cli_strings *files, size_t i, struct medsec_release_key *key)
{
    char *pass = passphrase(cmd, envs, files, i, path);
    if (!pass)
        return EXIT_USAGE;
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    medsec_err rc = medsec_file_read(path, MEDSEC_RELEASE_KEYFILE_MAX, &text, &len, &err);
    if (!rc)
        rc = medsec_release_key_read(text, len, path, pass, strlen(pass), key, &err);
    wipe_free(pass);
    medsec_free(text);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

static int load_pub(const char *path, struct medsec_release_pub *pub)
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

/* Write @len bytes to @path atomically; prints why not. */
static int write_file(const char *path, const void *data, size_t len)
{
    struct medsec_error err;
    medsec_err rc = medsec_file_write_atomic(path, data, len, &err);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

/* The vendor id (and class id) from --vendor-domain and the device's model and --hardware. */
struct ids_opts {
    const char *device, *vendor_domain, *hardware;
};
static int device_ids(const char *cmd, const struct ids_opts *o, bool need_class,
                      unsigned char vendor[16], unsigned char klass[16], char *model_out,
                      char *hw_out, size_t cap)
{
    if (need_class && !o->device)
        return cli_usage_error(cmd, "--device DIR is required (the class id is UUIDv5 of the "
                                    "device's model and hardware revision)");
    const char *model = "", *domain = o->vendor_domain, *hw = o->hardware;
    struct medsec_device *d = NULL;
    if (o->device) {
        int ex = cli_open_device(o->device, NULL, &d);
        if (ex != EXIT_OK_)
            return ex;
        const struct medsec_model *m = medsec_device_model(d);
        model = m->device.model ? m->device.model : "";
        if (!domain)
            domain = m->device.vendor_domain;
        if (!hw)
            hw = m->device.hardware_revision;
    }
    if (!domain) {
        medsec_device_close(d);
        return cli_usage_error(cmd, "no vendor domain: give --vendor-domain DOMAIN or set "
                                    "device.vendor_domain in the security file (the vendor id "
                                    "is UUIDv5 of the manufacturer's DNS domain)");
    }
    medsec_release_ids(domain, model, hw, vendor, klass);
    if (model_out)
        snprintf(model_out, cap, "%s", model);
    if (hw_out)
        snprintf(hw_out, cap, "%s", hw ? hw : "");
    medsec_device_close(d);
    return EXIT_OK_;
}

/* clang-format off */
#define IDS_OPTIONS(o)                                                                                      \
    {0, "device", CLI_OPT_STRING, &(o).device, 0, "DIR",                                                    \
     "the device folder: its model names the class; device.vendor_domain and\n"                            \
     "device.hardware_revision of device.yaml are the defaults of the next two"},                          \
    IDS_NAME_OPTIONS(o)
#define IDS_NAME_OPTIONS(o)                                                                                 \
    {0, "vendor-domain", CLI_OPT_STRING, &(o).vendor_domain, 0, "DOMAIN",                                   \
     "the manufacturer's DNS domain: vendor id = UUIDv5(DNS, DOMAIN)"},                                     \
    {0, "hardware", CLI_OPT_STRING, &(o).hardware, 0, "REV",                                                \
     "the hardware revision: class id = UUIDv5(vendor id, \"MODEL REV\")"}
/* clang-format on */

/* clang-format off */
#define PASS_OPTIONS(envs, files)                                                                           \
    {0, "passphrase-env", CLI_OPT_STRINGS, &(envs), 0, "VAR",                                               \
     "read the key's passphrase from the environment variable VAR\n(repeatable: one per key, in order)"},   \
    {0, "passphrase-file", CLI_OPT_STRINGS, &(files), 0, "FILE",                                            \
     "read the passphrase from the first line of FILE (repeatable)"}
/* clang-format on */

/* ---- JSON summaries ------------------------------------------------------------------------ */

/* Start a pretty JSON object on standard output in @w over @b. */
static void json_begin(struct medsec_jsonw *w, struct medsec_buf *b)
{
    medsec_jsonw_init(w, b, 1);
    medsec_jsonw_object_begin(w);
}

static int json_end(struct medsec_jsonw *w, struct medsec_buf *b)
{
    struct cli_output out = {0};
    out.f = stdout;
    medsec_jsonw_object_end(w);
    int ex = cli_output_json(&out, w, b);
    medsec_buf_release(b);
    return ex;
}

static void json_hex(struct medsec_jsonw *w, const char *key, const unsigned char *p, size_t n)
{
    char h[2 * 65 + 1];
    hex(p, n, h);
    medsec_jsonw_kv_string(w, key, h);
}

static void json_u64(struct medsec_jsonw *w, const char *key, uint64_t v)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_uint(w, v);
}

/* ---- keygen ------------------------------------------------------------------------------- */

static int release_keygen(int argc, char **argv)
{
    const char *alg_s = NULL;
    bool test_cost = false;
    int format = CLI_TEXT;
    struct cli_strings envs = {0}, files = {0};
    const struct cli_option opts[] = {
        {0, "alg", CLI_OPT_STRING, &alg_s, 0, "ALG",
         "EdDSA (Ed25519, the default) or ES256 (P-256)"},
        PASS_OPTIONS(envs, files),
        {0, "test-cost", CLI_OPT_FLAG, &test_cost, 0, NULL,
         "Argon2id at its minimum cost (for tests only; written into the file)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the key id as JSON"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release keygen",
        .usage = "medsec release keygen KEY [--alg EdDSA|ES256] (--passphrase-env VAR | "
                 "--passphrase-file FILE)\n           [--test-cost] [--json]",
        .about =
            "Make a key pair for signing releases (a root or a release key): the private key\n"
            "into KEY, encrypted under the passphrase (Argon2id: 3 passes over 256 MiB), mode\n"
            "0600, never overwriting a file; the public key into KEY.pub (docs/release.md).\n",
        .opts = opts,
        .more = exit_text,
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the key file to create",
        .extra = "one key file only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    char *pass = NULL, *sec = NULL, *pub = NULL, *pubpath = NULL;
    struct medsec_release_key key;
    memset(&key, 0, sizeof key);
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    int alg = MEDSEC_RELEASE_EDDSA;
    if (alg_s && !medsec_release_alg_parse(alg_s, &alg)) {
        ex = cli_usage_error("release keygen", "unknown --alg '%.40s' (EdDSA or ES256)", alg_s);
        goto out_free;
    }
    if (!(pass = passphrase("release keygen", &envs, &files, 0, args[0]))) {
        ex = EXIT_USAGE;
        goto out_free;
    }
    /* Argon2id slows each guess down; it cannot make up for a passphrase with little to guess */
    if (strlen(pass) < 12 && !test_cost) {
        ex = cli_usage_error("release keygen", "the passphrase has fewer than 12 characters");
        goto out_free;
    }
    if (!*pass) {
        ex = cli_usage_error("release keygen", "the passphrase is empty");
        goto out_free;
    }
    struct medsec_release_kdf kdf;
    if (test_cost)
        medsec_release_kdf_test(&kdf);
    else
        medsec_release_kdf_default(&kdf);
    struct medsec_error err;
    medsec_err rc = medsec_release_keygen(alg, &key, &err);
    if (!rc)
        rc = medsec_release_key_format(&key, pass, strlen(pass), &kdf, &sec, &pub, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    struct medsec_buf b = MEDSEC_BUF_INIT;
    if (medsec_buf_addf(&b, "%s.pub", args[0]) || !(pubpath = medsec_buf_detach(&b, NULL))) {
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    FILE *f = NULL;
    int fd = open(args[0], O_WRONLY | O_CREAT | O_EXCL, 0600), why = errno;
    if (fd >= 0 && !(f = fdopen(fd, "w")))
        why = errno, close(fd);
    if (!f) {
        fprintf(stderr, "medsec: %s: error: cannot create the key file: %s\n", cli_esc(args[0]),
                why == EEXIST ? "it exists already (keygen never overwrites a key)"
                              : strerror(why));
        ex = EXIT_USAGE;
        goto out_free;
    }
    bool bad = fputs(sec, f) < 0;
    bad |= fclose(f) != 0;
    if (bad) {
        fprintf(stderr, "medsec: %s: error: writing the key file failed\n", cli_esc(args[0]));
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    if ((ex = write_file(pubpath, pub, strlen(pub))) != EXIT_OK_)
        goto out_free;
    char kid[33];
    hex(key.pub.kid, sizeof key.pub.kid, kid);
    if (format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        struct cli_output out = {0};
        out.f = stdout;
        medsec_jsonw_init(&w, &jb, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "key", args[0]);
        medsec_jsonw_kv_string(&w, "public", pubpath);
        medsec_jsonw_kv_string(&w, "alg", medsec_release_alg_name(alg));
        medsec_jsonw_kv_string(&w, "kid", kid);
        medsec_jsonw_kv_bool(&w, "test_cost", test_cost);
        medsec_jsonw_object_end(&w);
        ex = cli_output_json(&out, &w, &jb);
        medsec_buf_release(&jb);
    } else {
        printf("%s key %s: private key %s, public key %s%s\n", medsec_release_alg_name(alg), kid,
               cli_esc(args[0]), cli_esc(pubpath),
               test_cost ? " (test cost: the passphrase protects nothing)" : "");
    }
out_free:
    medsec_release_key_wipe(&key);
    wipe_free(pass);
    wipe_free(sec);
    medsec_free(pub);
    medsec_free(pubpath);
    cli_strings_release(&envs);
    cli_strings_release(&files);
    return ex;
}

/* ---- certify ------------------------------------------------------------------------------ */

static bool parse_purposes(const char *s, unsigned *out)
{
    *out = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 4 && !strncmp(s, "sign", 4))
            *out |= MEDSEC_RELEASE_PURPOSE_SIGN;
        else if (n == 6 && !strncmp(s, "revoke", 6))
            *out |= MEDSEC_RELEASE_PURPOSE_REVOKE;
        else if (n == 12 && !strncmp(s, "decommission", 12))
            *out |= MEDSEC_RELEASE_PURPOSE_DECOMMISSION;
        else
            return false;
        s += n + (s[n] == ',');
    }
    return *out != 0;
}

static int release_certify(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *root = NULL, *output = NULL, *nb_s = NULL, *na_s = NULL, *purpose_s = "sign",
               *serial_s = "1";
    struct ids_opts ids = {0};
    struct cli_strings envs = {0}, files = {0};
    const struct cli_option opts[] = {
        {0, "root", CLI_OPT_STRING, &root, 0, "KEY", "the root's private key file (required)"},
        PASS_OPTIONS(envs, files),
        {0, "not-before", CLI_OPT_STRING, &nb_s, 0, "TIME",
         "start of validity, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (default now)"},
        {0, "not-after", CLI_OPT_STRING, &na_s, 0, "TIME", "end of validity (required)"},
        {0, "purpose", CLI_OPT_STRING, &purpose_s, 0, "LIST",
         "comma-separated: sign, revoke, decommission (default sign)"},
        {0, "serial", CLI_OPT_STRING, &serial_s, 0, "N", "the certificate's serial number"},
        IDS_OPTIONS(ids),
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print what was written as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release certify",
        .usage =
            "medsec release certify PUB --root KEY (--passphrase-env VAR | --passphrase-file "
            "FILE)\n           --not-after TIME [--not-before TIME] [--purpose LIST] "
            "[--serial N]\n           [--device DIR] [--vendor-domain DOMAIN] [--json] -o CERT",
        .about = "The root key vouches for the release key PUB (a public or private key file):\n"
                 "a certificate (COSE_Sign1 by the root) with validity, purposes and vendor id\n"
                 "(docs/release.md, \"Certificates\"). Bundles carry it (sign --cert).\n",
        .opts = opts,
        .more = exit_text,
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the release key to certify",
        .extra = "one key only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    struct medsec_release_key rk;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    memset(&rk, 0, sizeof rk);
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    struct medsec_release_cert_info ci;
    memset(&ci, 0, sizeof ci);
    int64_t nb = medsec_ctx_now(cli_context()), na = 0;
    char bad[160] = "";
    if (!root)
        snprintf(bad, sizeof bad, "--root KEY is required");
    else if (!output)
        snprintf(bad, sizeof bad, "-o CERT is required");
    else if (!na_s || !medsec_time_parse(na_s, &na) || na < 0)
        snprintf(bad, sizeof bad, "--not-after YYYY-MM-DD[THH:MM:SSZ] is required");
    else if (nb_s && (!medsec_time_parse(nb_s, &nb) || nb < 0))
        snprintf(bad, sizeof bad, "--not-before is not YYYY-MM-DD[THH:MM:SSZ]");
    else if (!parse_purposes(purpose_s, &ci.purposes))
        snprintf(bad, sizeof bad, "--purpose: a list of sign, revoke, decommission");
    else if (!parse_u64(serial_s, &ci.serial))
        snprintf(bad, sizeof bad, "--serial is not a number");
    if (bad[0]) {
        ex = cli_usage_error("release certify", "%s", bad);
        goto out_free;
    }
    ci.not_before = (uint64_t)nb;
    ci.not_after = (uint64_t)na;
    unsigned char klass[16];
    if ((ex = device_ids("release certify", &ids, false, ci.vendor_id, klass, NULL, NULL, 0)) !=
            EXIT_OK_ ||
        (ex = load_pub(args[0], &ci.subject)) != EXIT_OK_ ||
        (ex = load_key("release certify", root, &envs, &files, 0, &rk)) != EXIT_OK_)
        goto out_free;
    struct medsec_error err;
    medsec_err rc = medsec_release_certify(&rk, &ci, &out, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    if ((ex = write_file(output, out.data, out.len)) == EXIT_OK_ && format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        json_begin(&w, &jb);
        medsec_jsonw_kv_string(&w, "certificate", output);
        json_hex(&w, "root_kid", rk.pub.kid, 16);
        json_hex(&w, "subject_kid", ci.subject.kid, 16);
        medsec_jsonw_kv_string(&w, "alg", medsec_release_alg_name(ci.subject.alg));
        json_u64(&w, "not_before", ci.not_before);
        json_u64(&w, "not_after", ci.not_after);
        json_u64(&w, "purposes", ci.purposes);
        json_hex(&w, "vendor_id", ci.vendor_id, 16);
        json_u64(&w, "serial", ci.serial);
        ex = json_end(&w, &jb);
    } else if (ex == EXIT_OK_) {
        char kid[33], rkid[33], t0[21], t1[21];
        hex(ci.subject.kid, 16, kid);
        hex(rk.pub.kid, 16, rkid);
        medsec_time_format((int64_t)ci.not_before, t0);
        medsec_time_format((int64_t)ci.not_after, t1);
        printf("%s: root %s certifies %s key %s, %s .. %s, serial %llu\n", cli_esc(output), rkid,
               medsec_release_alg_name(ci.subject.alg), kid, t0, t1, (unsigned long long)ci.serial);
    }
out_free:
    medsec_release_key_wipe(&rk);
    medsec_buf_release(&out);
    cli_strings_release(&envs);
    cli_strings_release(&files);
    return ex;
}

/* ---- revoke ------------------------------------------------------------------------------- */

static int release_revoke(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *root = NULL, *output = NULL, *number_s = NULL;
    struct cli_strings envs = {0}, files = {0}, kids = {0}, keys = {0};
    const struct cli_option opts[] = {
        {0, "root", CLI_OPT_STRING, &root, 0, "KEY", "the root's private key file (required)"},
        PASS_OPTIONS(envs, files),
        {0, "number", CLI_OPT_STRING, &number_s, 0, "N",
         "the list's number: higher than every list before (required)"},
        {0, "kid", CLI_OPT_STRINGS, &kids, 0, "HEX",
         "revoke the key with this key id (repeatable)"},
        {0, "key", CLI_OPT_STRINGS, &keys, 0, "PUB",
         "revoke the key of this key file (repeatable)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print what was written as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release revoke",
        .usage =
            "medsec release revoke --root KEY (--passphrase-env VAR | --passphrase-file FILE)\n"
            "           --number N [--kid HEX]... [--key PUB]... [--json] -o LIST",
        .about =
            "A revocation list signed by the root: every key id on it is refused by devices\n"
            "that have seen the list (bundles carry it: sign --revocation). Each list replaces\n"
            "the ones before, so it names every key still revoked; a device ignores a list\n"
            "numbered lower than the highest it has seen (docs/release.md, \"Revocation\").\n",
        .opts = opts,
        .more = exit_text,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    struct medsec_release_key rk;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    unsigned char(*list)[16] = NULL;
    memset(&rk, 0, sizeof rk);
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    uint64_t number = 0;
    if (nargs) {
        ex = cli_usage_error("release revoke", "no operands: name keys with --kid or --key");
        goto out_free;
    }
    if (!root || !output || !parse_u64(number_s, &number)) {
        ex = cli_usage_error("release revoke", "--root KEY, --number N and -o LIST are required");
        goto out_free;
    }
    size_t n = kids.n + keys.n;
    if (n && !(list = medsec_calloc(n, sizeof *list))) {
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    for (size_t i = 0; i < kids.n; i++)
        if (!unhex(kids.v[i], list[i], 16)) {
            ex = cli_usage_error("release revoke", "--kid '%.40s' is not 32 hexadecimal digits",
                                 kids.v[i]);
            goto out_free;
        }
    for (size_t i = 0; i < keys.n; i++) {
        struct medsec_release_pub p;
        if ((ex = load_pub(keys.v[i], &p)) != EXIT_OK_)
            goto out_free;
        memcpy(list[kids.n + i], p.kid, 16);
    }
    if ((ex = load_key("release revoke", root, &envs, &files, 0, &rk)) != EXIT_OK_)
        goto out_free;
    struct medsec_error err;
    medsec_err rc = medsec_release_revocation(&rk, number, (uint64_t)medsec_ctx_now(cli_context()),
                                              (const unsigned char(*)[16])list, n, &out, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    if ((ex = write_file(output, out.data, out.len)) == EXIT_OK_ && format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        json_begin(&w, &jb);
        medsec_jsonw_kv_string(&w, "revocation_list", output);
        json_u64(&w, "number", number);
        json_hex(&w, "root_kid", rk.pub.kid, 16);
        medsec_jsonw_key(&w, "revoked");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < n; i++) {
            char h[33];
            hex(list[i], 16, h);
            medsec_jsonw_string(&w, h);
        }
        medsec_jsonw_array_end(&w);
        ex = json_end(&w, &jb);
    } else if (ex == EXIT_OK_) {
        printf("%s: revocation list %llu, %zu key%s revoked\n", cli_esc(output),
               (unsigned long long)number, n, n == 1 ? "" : "s");
    }
out_free:
    medsec_release_key_wipe(&rk);
    medsec_buf_release(&out);
    medsec_free(list);
    cli_strings_release(&envs);
    cli_strings_release(&files);
    cli_strings_release(&kids);
    cli_strings_release(&keys);
    return ex;
}

/* ---- anchor ------------------------------------------------------------------------------- */

static int release_anchor(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL, *k_s = "1";
    struct ids_opts ids = {0};
    struct cli_strings roots = {0};
    const struct cli_option opts[] = {
        {0, "root", CLI_OPT_STRINGS, &roots, 0, "PUB", "a root's public key file (repeatable)"},
        {0, "threshold", CLI_OPT_STRING, &k_s, 0, "K",
         "how many distinct roots must vouch for a bundle (default 1)"},
        IDS_OPTIONS(ids),
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print what was written as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release anchor",
        .usage = "medsec release anchor --root PUB... [--threshold K] --device DIR\n"
                 "           [--vendor-domain DOMAIN] [--hardware REV] [--json] -o ANCHOR",
        .about =
            "The trust anchor a device is built with (CBOR, docs/release.md, \"Trust "
            "anchor\"):\n"
            "the roots' public keys, the threshold k, and the device's vendor and class ids.\n",
        .opts = opts,
        .more = exit_text,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    struct medsec_release_pub *pubs = NULL;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    uint64_t k = 0;
    if (nargs || !roots.n || !output || !parse_u64(k_s, &k)) {
        ex = cli_usage_error("release anchor",
                             "--root PUB (one or more), a numeric --threshold and -o are required");
        goto out_free;
    }
    unsigned char vendor[16], klass[16];
    char model[256], hw[256];
    if ((ex = device_ids("release anchor", &ids, true, vendor, klass, model, hw, sizeof model)) !=
        EXIT_OK_)
        goto out_free;
    if (!(pubs = medsec_calloc(roots.n, sizeof *pubs))) {
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    for (size_t i = 0; i < roots.n; i++)
        if ((ex = load_pub(roots.v[i], &pubs[i])) != EXIT_OK_)
            goto out_free;
    struct medsec_error err;
    medsec_err rc =
        medsec_release_anchor(k > 1000 ? 0 : (unsigned)k, pubs, roots.n, vendor, klass, &out, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    if ((ex = write_file(output, out.data, out.len)) == EXIT_OK_ && format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        json_begin(&w, &jb);
        medsec_jsonw_kv_string(&w, "anchor", output);
        json_u64(&w, "threshold", k);
        medsec_jsonw_key(&w, "roots");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < roots.n; i++) {
            medsec_jsonw_object_begin(&w);
            json_hex(&w, "kid", pubs[i].kid, 16);
            medsec_jsonw_kv_string(&w, "alg", medsec_release_alg_name(pubs[i].alg));
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        json_hex(&w, "vendor_id", vendor, 16);
        json_hex(&w, "class_id", klass, 16);
        medsec_jsonw_kv_string(&w, "model", model);
        medsec_jsonw_kv_string(&w, "hardware_revision", hw[0] ? hw : NULL);
        ex = json_end(&w, &jb);
    } else if (ex == EXIT_OK_) {
        char v[33], c[33];
        hex(vendor, 16, v);
        hex(klass, 16, c);
        printf("%s: %llu of %zu roots, vendor %s, class %s (%s%s%s)\n", cli_esc(output),
               (unsigned long long)k, roots.n, v, c, cli_esc(model), hw[0] ? " " : "", cli_esc(hw));
    }
out_free:
    medsec_free(pubs);
    medsec_buf_release(&out);
    cli_strings_release(&roots);
    return ex;
}

/* ---- sign --------------------------------------------------------------------------------- */

static const struct medsec_model_version *find_version(const struct medsec_model *m, const char *v)
{
    for (size_t i = 0; i < m->nversions; i++)
        if (m->versions[i].version && !strcmp(m->versions[i].version, v))
            return &m->versions[i];
    return NULL;
}

static int release_sign(int argc, char **argv)
{
    const char *output = NULL, *image = NULL, *uri = NULL, *seq_s = NULL, *version = NULL,
               *notes = NULL, *revocation = NULL, *members_s = NULL;
    struct ids_opts ids = {0};
    struct cli_strings envs = {0}, files = {0}, keyfiles = {0}, certfiles = {0};
    int format = CLI_TEXT;
    const struct cli_option opts[] = {
        {0, "image", CLI_OPT_STRING, &image, 0, "FILE", "the firmware image (required)"},
        {0, "uri", CLI_OPT_STRING, &uri, 0, "URI",
         "leave the image out of the bundle: the device fetches it from URI\n(default: integrated "
         "in the bundle as \"#image0\")"},
        {0, "sequence", CLI_OPT_STRING, &seq_s, 0, "N",
         "the security version (SUIT sequence number; required): devices refuse\nany bundle not "
         "above the highest they installed"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "the release in the security file (default its current version)"},
        {0, "notes-uri", CLI_OPT_STRING, &notes, 0, "URI", "where the release notes are published"},
        {0, "key", CLI_OPT_STRINGS, &keyfiles, 0, "KEY",
         "a signer's private key file (repeatable: k of n)"},
        PASS_OPTIONS(envs, files),
        {0, "cert", CLI_OPT_STRINGS, &certfiles, 0, "CERT",
         "a certificate to carry (a release key's, from certify; repeatable)"},
        {0, "revocation", CLI_OPT_STRING, &revocation, 0, "LIST",
         "the revocation list to carry (from revoke)"},
        {0, "members-max", CLI_OPT_STRING, &members_s, 0, "BYTES",
         "the devices' MSA_MANIFEST_MAX when not the agent's default: the\nenvelope before the "
         "payload must be smaller"},
        IDS_NAME_OPTIONS(ids),
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print what was signed as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "release sign",
        .usage = "medsec release sign DIR --image FILE --sequence N --key KEY... "
                 "(--passphrase-env VAR | --passphrase-file FILE)...\n"
                 "           [--vendor-domain DOMAIN] [--hardware REV] [--version V] [--uri URI]\n"
                 "           [--cert CERT]... [--revocation LIST] [--notes-uri URI] [--json] -o "
                 "BUNDLE",
        .about = "Sign a release of the device in DIR as a SUIT envelope (docs/release.md): the\n"
                 "manifest names the vendor and class (from the vendor domain, the model and the\n"
                 "hardware revision: device.yaml or the options), the security version, the\n"
                 "image's SHA-256 and size, and the release's version, first SBOM (name and\n"
                 "SHA-256) and release-notes URI; each --key adds one COSE_Sign1. Memory does not\n"
                 "grow with the image.\n",
        .opts = opts,
        .more = exit_text,
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    struct medsec_release_key *keys = NULL;
    const struct medsec_release_key **keyp = NULL;
    struct medsec_buf *certs = NULL;
    char *rev = NULL, *sbom_path = NULL;
    size_t rev_len = 0;
    struct medsec_device *d = NULL;
    if (ex != EXIT_OK_) {
        ex = ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
        goto out_free;
    }
    struct medsec_release_bundle rb;
    memset(&rb, 0, sizeof rb);
    char bad[160] = "";
    if (!image)
        snprintf(bad, sizeof bad, "--image FILE is required");
    else if (!parse_u64(seq_s, &rb.sequence))
        snprintf(bad, sizeof bad, "--sequence N (the security version) is required");
    else if (!keyfiles.n)
        snprintf(bad, sizeof bad, "--key KEY is required (one per signer)");
    else if (!output)
        snprintf(bad, sizeof bad, "-o BUNDLE is required");
    uint64_t members_max = 0;
    if (!bad[0] && members_s && (!parse_u64(members_s, &members_max) || members_max > SIZE_MAX))
        snprintf(bad, sizeof bad, "--members-max is not a number of bytes");
    if (bad[0]) {
        ex = cli_usage_error("release sign", "%s", bad);
        goto out_free;
    }
    ids.device = args[0];
    char model[256];
    if ((ex = device_ids("release sign", &ids, true, rb.vendor_id, rb.class_id, model, NULL,
                         sizeof model)) != EXIT_OK_ ||
        (ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_free;
    const struct medsec_model *m = medsec_device_model(d);
    if (!version)
        version = m->device.current_version;
    const struct medsec_model_version *mv = version ? find_version(m, version) : NULL;
    if (!mv) {
        fprintf(stderr, "medsec release sign: %s: error: the security file has no version '%s'\n",
                cli_esc(args[0]), version ? cli_esc(version) : "(no current_version)");
        ex = EXIT_USAGE;
        goto out_free;
    }
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    if (mv->sboms.n) {
        rb.sbom_name = mv->sboms.v[0];
        if (!(sbom_path = medsec_path_join(args[0], mv->sboms.v[0]))) {
            ex = EXIT_INTERNAL;
            goto out_free;
        }
        if ((rc = medsec_release_file_sha256(sbom_path, rb.sbom_digest, NULL, &err))) {
            ex = cli_fail(&err, rc);
            goto out_free;
        }
        rb.has_sbom_digest = true;
    }
    rb.version = mv->version;
    rb.model = model;
    rb.notes_uri = notes;
    rb.image_path = image;
    rb.uri = uri;
    keys = medsec_calloc(keyfiles.n, sizeof *keys);
    keyp = medsec_calloc(keyfiles.n, sizeof *keyp);
    certs = medsec_calloc(certfiles.n + 1, sizeof *certs);
    if (!keys || !keyp || !certs) {
        ex = EXIT_INTERNAL;
        goto out_free;
    }
    for (size_t i = 0; i < keyfiles.n; i++) {
        if ((ex = load_key("release sign", keyfiles.v[i], &envs, &files, i, &keys[i])) != EXIT_OK_)
            goto out_free;
        for (size_t j = 0; j < i; j++)
            if (!memcmp(keys[j].pub.kid, keys[i].pub.kid, 16)) {
                ex = cli_usage_error("release sign", "%s is the same key as %s", keyfiles.v[i],
                                     keyfiles.v[j]);
                goto out_free;
            }
        keyp[i] = &keys[i];
    }
    for (size_t i = 0; i < certfiles.n; i++) {
        char *t = NULL;
        size_t n = 0;
        if ((rc = medsec_file_read(certfiles.v[i], MEDSEC_RELEASE_CERT_MAX, &t, &n, &err))) {
            ex = cli_fail(&err, rc);
            goto out_free;
        }
        medsec_buf_init(&certs[i], 0);
        rc = medsec_buf_add(&certs[i], t, n);
        medsec_free(t);
        if (rc) {
            ex = EXIT_INTERNAL;
            goto out_free;
        }
    }
    if (revocation && (rc = medsec_file_read(revocation, 1u << 16, &rev, &rev_len, &err))) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    rb.keys = keyp;
    rb.nkeys = keyfiles.n;
    rb.certs = certs;
    rb.ncerts = certfiles.n;
    rb.revocation = rev;
    rb.revocation_len = rev_len;
    rb.members_max = (size_t)members_max;
    struct medsec_release_bundle_info info;
    if ((rc = medsec_release_bundle_write(&rb, output, &info, &err))) {
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    char dig[65], mdig[65], v[33], c[33];
    hex(info.image_digest, 32, dig);
    hex(info.manifest_digest, 32, mdig);
    hex(rb.vendor_id, 16, v);
    hex(rb.class_id, 16, c);
    if (format == CLI_JSON) {
        struct medsec_buf jb = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        struct cli_output out = {0};
        out.f = stdout;
        medsec_jsonw_init(&w, &jb, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "bundle", output);
        medsec_jsonw_key(&w, "bundle_size");
        medsec_jsonw_uint(&w, info.bundle_size);
        medsec_jsonw_key(&w, "sequence");
        medsec_jsonw_uint(&w, rb.sequence);
        medsec_jsonw_kv_string(&w, "version", rb.version);
        medsec_jsonw_kv_string(&w, "vendor_id", v);
        medsec_jsonw_kv_string(&w, "class_id", c);
        medsec_jsonw_kv_string(&w, "payload", uri ? uri : "#image0");
        medsec_jsonw_key(&w, "image_size");
        medsec_jsonw_uint(&w, info.image_size);
        medsec_jsonw_kv_string(&w, "image_sha256", dig);
        medsec_jsonw_kv_string(&w, "manifest_sha256", mdig);
        medsec_jsonw_key(&w, "signers");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < rb.nkeys; i++) {
            char kid[33];
            hex(keys[i].pub.kid, 16, kid);
            medsec_jsonw_string(&w, kid);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_kv_int(&w, "certificates", (long long)rb.ncerts);
        medsec_jsonw_kv_bool(&w, "revocation_list", rev_len > 0);
        medsec_jsonw_object_end(&w);
        ex = cli_output_json(&out, &w, &jb);
        medsec_buf_release(&jb);
    } else {
        printf("%s: %s %s, security version %llu, %llu-byte image %s (%s), %zu signature%s, "
               "%zu certificate%s%s\n",
               cli_esc(output), cli_esc(model), cli_esc(rb.version),
               (unsigned long long)rb.sequence, (unsigned long long)info.image_size,
               uri ? "detached" : "integrated", dig, rb.nkeys, rb.nkeys == 1 ? "" : "s", rb.ncerts,
               rb.ncerts == 1 ? "" : "s", rev_len ? ", a revocation list" : "");
    }
out_free:
    for (size_t i = 0; keys && i < keyfiles.n; i++)
        medsec_release_key_wipe(&keys[i]);
    for (size_t i = 0; certs && i < certfiles.n; i++)
        medsec_buf_release(&certs[i]);
    medsec_free(keys);
    medsec_free(keyp);
    medsec_free(certs);
    medsec_free(rev);
    medsec_free(sbom_path);
    medsec_device_close(d);
    cli_strings_release(&envs);
    cli_strings_release(&files);
    cli_strings_release(&keyfiles);
    cli_strings_release(&certfiles);
    return ex;
}

/* ---- the command -------------------------------------------------------------------------- */

static const char release_usage[] =
    "usage: medsec release keygen KEY [--alg EdDSA|ES256] (--passphrase-env VAR | "
    "--passphrase-file FILE)\n"
    "       medsec release certify PUB --root KEY --not-after TIME [--vendor-domain D] -o CERT\n"
    "       medsec release revoke --root KEY --number N [--kid HEX | --key PUB]... -o LIST\n"
    "       medsec release anchor --root PUB... [--threshold K] --device DIR -o ANCHOR\n"
    "       medsec release sign DIR --image FILE --sequence N --key KEY... -o BUNDLE\n"
    "       medsec release verify BUNDLE --anchor FILE [--payload FILE]... [--counter N]\n"
    "       medsec release inspect BUNDLE [--anchor FILE] [--json]\n"
    "       medsec release decommission-verify RECORD --device-pub P (docs/log.md)\n"
    "\n"
    "Signed software updates as IETF SUIT envelopes (docs/release.md): keys encrypted at rest,\n"
    "root certificates for release keys, revocation lists, the device's trust anchor (k of n\n"
    "roots), signed bundles, and verify / inspect with the device agent's own code. Each\n"
    "subcommand has --help.\n";

int cmd_release(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {
        {"keygen", release_keygen},   {"certify", release_certify}, {"revoke", release_revoke},
        {"anchor", release_anchor},   {"sign", release_sign},       {"verify", release_verify},
        {"inspect", release_inspect},
    };
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(release_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK_;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc - 1, argv + 1);
    /* the device's signed decommission record, checked as `medsec log decommission-verify` does */
    if (!strcmp(argv[1], "decommission-verify"))
        return cmd_decommission_verify("release decommission-verify", argc - 1, argv + 1);
    return cli_usage_error("release",
                           "unknown subcommand '%.40s' (keygen, certify, revoke, "
                           "anchor, sign, verify, inspect, decommission-verify)",
                           argv[1]);
}
