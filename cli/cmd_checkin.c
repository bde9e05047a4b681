/* cmd_checkin.c: `medsec checkin verify FILE --device-pub P [--json]`: decode a device's signed
 * check-in, check its signature by the device key and print what it says (docs/checkin.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/checkin.h"
#include "medsec/devlog.h"
#include "medsec/file.h"
#include "medsec/json.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void iso_time(uint64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!t || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "-");
}

static int print_json(struct cli_output *o, const struct medsec_checkin *c)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    char id[33], img[65], head[65], bundle[65];
    hex(c->device_id, 16, id);
    hex(c->image_digest, 32, img);
    hex(c->log_head, 32, head);
    hex(c->bundle_digest, 32, bundle);
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "device_id", id);
    medsec_jsonw_key(&w, "counter");
    medsec_jsonw_uint(&w, c->counter);
    medsec_jsonw_key(&w, "time");
    medsec_jsonw_uint(&w, c->time);
    medsec_jsonw_key(&w, "security_version");
    medsec_jsonw_uint(&w, c->security_version);
    medsec_jsonw_kv_string(&w, "version", c->version);
    medsec_jsonw_key(&w, "slot");
    if (c->slot == 255)
        medsec_jsonw_null(&w);
    else
        medsec_jsonw_uint(&w, c->slot);
    medsec_jsonw_kv_string(&w, "image_digest", img);
    medsec_jsonw_key(&w, "log_first");
    medsec_jsonw_uint(&w, c->log_first);
    medsec_jsonw_key(&w, "log_last");
    medsec_jsonw_uint(&w, c->log_last);
    medsec_jsonw_key(&w, "log_dropped");
    medsec_jsonw_uint(&w, c->log_dropped);
    medsec_jsonw_kv_string(&w, "log_head", head);
    medsec_jsonw_key(&w, "install_seq");
    medsec_jsonw_uint(&w, c->install_seq);
    medsec_jsonw_kv_int(&w, "install_result", c->install_result);
    medsec_jsonw_kv_string(
        &w, "install_result_text",
        c->install_seq || c->install_result ? medsec_checkin_result_text(c->install_result) : "");
    medsec_jsonw_kv_string(&w, "bundle_digest", bundle);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(o, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

static void print_text(FILE *f, const struct medsec_checkin *c)
{
    char id[33], img[65], head[65], bundle[65], when[32];
    hex(c->device_id, 16, id);
    hex(c->image_digest, 32, img);
    hex(c->log_head, 32, head);
    hex(c->bundle_digest, 32, bundle);
    iso_time(c->time, when);
    fprintf(f, "device id:        %s\n", id);
    fprintf(f, "counter:          %" PRIu64 "\n", c->counter);
    fprintf(f, "device time:      %s\n", when);
    fprintf(f, "version:          %s\n", c->version[0] ? c->version : "-");
    fprintf(f, "security version: %" PRIu64 "\n", c->security_version);
    if (c->slot == 255)
        fprintf(f, "running slot:     -\n");
    else
        fprintf(f, "running slot:     %u\n", c->slot);
    fprintf(f, "image digest:     %s\n", img);
    fprintf(f,
            "log:              records %" PRIu32 "..%" PRIu32 ", %" PRIu32
            " dropped, head SHA-256 %s\n",
            c->log_first, c->log_last, c->log_dropped, head);
    static const unsigned char zeros[32];
    const char *b = memcmp(c->bundle_digest, zeros, 32) ? bundle : "-";
    if (c->install_seq)
        fprintf(f, "last install:     sequence %" PRIu64 ": %s (%" PRId32 "), bundle %s\n",
                c->install_seq, medsec_checkin_result_text(c->install_result), c->install_result,
                b);
    else if (c->install_result)
        fprintf(f,
                "last install:     a bundle refused before its sequence number was read: %s "
                "(%" PRId32 ")\n",
                medsec_checkin_result_text(c->install_result), c->install_result);
    else
        fprintf(f, "last install:     -\n");
}

static int checkin_verify(int argc, char **argv)
{
    const char *pubpath = NULL, *output = NULL;
    int format = CLI_TEXT;
    const struct cli_option opts[] = {
        {0, "device-pub", CLI_OPT_STRING, &pubpath, 0, "P",
         "the device's Ed25519 public key (32 bytes, or 64 hex digits);\nrequired"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the check-in as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "checkin verify",
        .usage = "medsec checkin verify FILE --device-pub P [--json] [-o OUT]",
        .about = "Decode a device's signed check-in (a COSE_Sign1 the device agent wrote, e.g.\n"
                 "'medsec-agent checkin'), check the device's Ed25519 signature and print what\n"
                 "it reports: running version, slot and image, security version, the log's\n"
                 "position and the last install attempt (docs/checkin.md). The counter's\n"
                 "freshness (replay) is for the server to judge.\n",
        .opts = opts,
        .more = "Exit: 0 the check-in verifies, 2 it does not (changed, another device's, not\n"
                "a check-in: the message names the field) or a file cannot be read,\n"
                "3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the check-in file",
        .extra = "one check-in only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!pubpath)
        return cli_usage_error("checkin verify", "--device-pub P is required");
    struct medsec_error err;
    unsigned char pub[32];
    char *key = NULL, *msg = NULL;
    size_t klen = 0, n = 0;
    medsec_err rc = medsec_file_read(pubpath, MEDSEC_DEVLOG_KEY_MAX, &key, &klen, &err);
    if (!rc)
        rc = medsec_devlog_key(key, klen, pubpath, pub, &err);
    medsec_free(key);
    if (rc)
        return cli_fail(&err, rc);
    rc = medsec_file_read(args[0], MEDSEC_CHECKIN_MAX, &msg, &n, &err);
    struct medsec_checkin c;
    if (!rc) {
        rc = medsec_checkin_verify((const unsigned char *)msg, n, pub, &c, &err);
        if (rc && err.file[0] && !strcmp(err.file, "check-in"))
            snprintf(err.file, sizeof err.file, "%s", args[0]);
    }
    if (rc) {
        ex = cli_fail(&err, rc);
        if (rc == MEDSEC_EVERIFY)
            fprintf(stderr,
                    "medsec checkin verify: do not rely on this check-in; check that %s is "
                    "the device's public key\n",
                    cli_esc(pubpath));
        goto out_free;
    }
    struct cli_output o;
    if ((ex = cli_output_open(&o, output)) != EXIT_OK_)
        goto out_free;
    if (format == CLI_JSON)
        ex = print_json(&o, &c);
    else
        print_text(o.f, &c);
    ex = cli_output_close(&o, ex);
    if (ex == EXIT_OK_)
        fprintf(stderr, "medsec checkin verify: %s: good signature by %s\n", cli_esc(args[0]),
                cli_esc(pubpath));
out_free:
    medsec_free(msg);
    return ex;
}

int cmd_checkin(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "verify"))
        return checkin_verify(argc - 1, argv + 1);
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: medsec checkin verify FILE --device-pub P [--json] [-o OUT]\n\n"
               "The device agent's signed check-in, on the manufacturer's side\n"
               "(docs/checkin.md). 'medsec checkin verify --help' for more.\n");
        return EXIT_OK_;
    }
    if (argc > 1)
        return cli_usage_error("checkin", "unknown subcommand '%s' (verify)", argv[1]);
    return cli_usage_error("checkin", "missing subcommand (verify)");
}
