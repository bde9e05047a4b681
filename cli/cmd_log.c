/* cmd_log.c: `medsec log verify EXPORT`: prove a device's security log export complete and
 * unmodified; `medsec log decommission-verify RECORD`: check a device's signed decommission
 * record (docs/log.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/devlog.h"
#include "medsec/file.h"

/* Read the 32-byte key file @path into @key; an exit code. */
static int read_key(const char *path, unsigned char key[32])
{
    struct medsec_error err;
    char *data = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, MEDSEC_DEVLOG_KEY_MAX, &data, &len, &err);
    if (!rc)
        rc = medsec_devlog_key(data, len, path, key, &err);
    if (data) {
        memset(data, 0, len);
        medsec_free(data);
    }
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

static void iso_time(uint64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!t || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "-");
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The records as a table on standard output. */
static int list(const unsigned char *exp, size_t n, const struct msa_log_report *rep)
{
    static const char *const head[] = {"seq", "time", "event", "code", "value", "detail"};
    struct cli_table t;
    if (cli_table_init(&t, 6, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (uint32_t i = 0; i < rep->records && ex == EXIT_OK_; i++) {
        struct msa_log_record r;
        char seq[16], when[32], code[16], value[24], detail[40];
        if (medsec_devlog_record(exp, n, i, &r)) {
            ex = EXIT_INTERNAL;
            break;
        }
        snprintf(seq, sizeof seq, "%" PRIu32, r.seq);
        iso_time(r.time, when);
        snprintf(code, sizeof code, "%" PRId32, r.code);
        snprintf(value, sizeof value, "%" PRIu64, r.value);
        hex(r.detail, sizeof r.detail, detail);
        const char *row[] = {seq, when, msa_log_event_name(r.event), code, value, detail};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_)
        cli_table_print(&t, stdout);
    cli_table_release(&t);
    return ex;
}

static int log_verify(int argc, char **argv)
{
    const char *keypath = NULL, *pubpath = NULL;
    bool show = false;
    const struct cli_option opts[] = {
        {0, "key", CLI_OPT_STRING, &keypath, 0, "K",
         "the device's log key (32 bytes, or 64 hex digits): check every\nrecord's HMAC and the "
         "export's"},
        {0, "device-pub", CLI_OPT_STRING, &pubpath, 0, "P",
         "the device's Ed25519 public key (32 bytes, or 64 hex digits):\ncheck the device's "
         "signature over the export"},
        {0, "list", CLI_OPT_FLAG, &show, 0, NULL, "print the records as a table"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "log verify",
        .usage = "medsec log verify EXPORT [--key K] [--device-pub P] [--list]",
        .about = "Prove a device's security log export complete and unmodified: every record in\n"
                 "sequence, each chained to the one before by SHA-256 and sealed, the export's\n"
                 "end as the device wrote it. Any change, deletion, reordering or truncation is\n"
                 "found. Without --key or --device-pub only the chain is checked, which anyone\n"
                 "could recompute: give one of them for proof (docs/log.md).\n",
        .opts = opts,
        .more = "Exit: 0 the export verifies, 2 it does not (or a file cannot be read),\n"
                "3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the log export to verify",
        .extra = "one export only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    unsigned char key[32], pub[32];
    if (keypath && (ex = read_key(keypath, key)) != EXIT_OK_)
        return ex;
    if (pubpath && (ex = read_key(pubpath, pub)) != EXIT_OK_)
        goto out_wipe;
    struct medsec_error err;
    char *exp = NULL;
    size_t n = 0;
    struct msa_log_report rep;
    medsec_err rc = medsec_file_read(args[0], MEDSEC_DEVLOG_EXPORT_MAX, &exp, &n, &err);
    if (!rc)
        rc = medsec_devlog_verify((const unsigned char *)exp, n, args[0], keypath ? key : NULL,
                                  pubpath ? pub : NULL, &rep, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        if (rc == MEDSEC_EVERIFY)
            fprintf(stderr, "medsec log verify: this is not the export the device wrote (or not "
                            "with this key); treat its records as untrusted and export the log "
                            "from the device again\n");
        goto out_free;
    }
    if (show && (ex = list((const unsigned char *)exp, n, &rep)) != EXIT_OK_)
        goto out_free;
    fprintf(stderr,
            "medsec log verify: %s: %" PRIu32 " record%s (sequence numbers %" PRIu32 "..%" PRIu32
            "), %" PRIu64 " earlier dropped by the device's ring; chain intact%s%s%s\n",
            cli_esc(args[0]), rep.records, rep.records == 1 ? "" : "s", rep.first, rep.last,
            rep.dropped, rep.macs_checked ? "; HMACs verified with the log key" : "",
            rep.sig_checked ? "; signed by the device" : "",
            rep.macs_checked || rep.sig_checked
                ? ""
                : "; NOT authenticated (give --key or --device-pub)");
out_free:
    medsec_free(exp);
out_wipe:
    memset(key, 0, sizeof key);
    return ex;
}

int cmd_decommission_verify(const char *name, int argc, char **argv)
{
    const char *pubpath = NULL;
    const struct cli_option opts[] = {
        {0, "device-pub", CLI_OPT_STRING, &pubpath, 0, "P",
         "the device's Ed25519 public key (32 bytes, or 64 hex digits);\nrequired"},
        CLI_OPT_END,
    };
    char usage[128];
    snprintf(usage, sizeof usage, "medsec %s RECORD --device-pub P", name);
    const struct cli_spec spec = {
        .cmd = name,
        .usage = usage,
        .about = "Check a device's decommission record: its format and the signature the device\n"
                 "made with its own key before erasing it; print what it says was erased\n"
                 "(docs/agent.md, \"Decommissioning\").\n",
        .opts = opts,
        .more = "Exit: 0 the record verifies, 2 it does not (changed, another device's, not a\n"
                "record) or a file cannot be read, 3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing the decommission record",
        .extra = "one record only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (!pubpath)
        return cli_usage_error(name, "--device-pub P is required");
    unsigned char pub[32];
    if ((ex = read_key(pubpath, pub)) != EXIT_OK_)
        return ex;
    struct medsec_error err;
    char *rec = NULL;
    size_t n = 0;
    struct msa_decom_record r;
    medsec_err rc = medsec_file_read(args[0], MSA_DECOM_BYTES * 4, &rec, &n, &err);
    if (!rc)
        rc = medsec_devlog_decom_verify((const unsigned char *)rec, n, args[0], pub, &r, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        if (rc == MEDSEC_EVERIFY)
            fprintf(stderr,
                    "medsec %s: do not rely on this record; check that %s is the "
                    "device's public key\n",
                    name, cli_esc(pubpath));
        goto out_free;
    }
    char when[32], head[65], id[33];
    iso_time(r.time, when);
    hex(r.log_head, 32, head);
    hex(r.device_id, 16, id);
    printf("device id:        %s\n", id);
    printf("decommissioned:   %s\n", when);
    printf("security version: %" PRIu64 "\n", r.security_version);
    printf("patient data:     %s\n", r.erased & MSA_DECOM_DATA ? "erased" : "NOT erased");
    printf("data key:         %s\n",
           r.erased & MSA_DECOM_DATA_KEY ? "erased (crypto-erase)" : "NOT erased");
    printf("log key:          %s\n", r.erased & MSA_DECOM_LOG_KEY ? "erased" : "NOT erased");
    printf("device key:       %s\n",
           r.erased & MSA_DECOM_DEVICE_KEY ? "erased after signing this record" : "NOT erased");
    printf("log:              last record %" PRIu32 ", SHA-256 %s\n", r.log_last, head);
    fprintf(stderr, "medsec %s: %s: good signature by %s\n", name, cli_esc(args[0]),
            cli_esc(pubpath));
out_free:
    medsec_free(rec);
    return ex;
}

int cmd_log(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "verify"))
        return log_verify(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "decommission-verify"))
        return cmd_decommission_verify("log decommission-verify", argc - 1, argv + 1);
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: medsec log verify EXPORT [--key K] [--device-pub P] [--list]\n"
               "       medsec log decommission-verify RECORD --device-pub P\n\n"
               "The device agent's security log and decommission records, on the\n"
               "manufacturer's side (docs/log.md). 'medsec log COMMAND --help' for more.\n");
        return EXIT_OK_;
    }
    if (argc > 1)
        return cli_usage_error("log", "unknown subcommand '%s' (verify, decommission-verify)",
                               argv[1]);
    return cli_usage_error("log", "missing subcommand (verify, decommission-verify)");
}
