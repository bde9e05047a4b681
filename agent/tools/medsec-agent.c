/* medsec-agent: the device agent over the POSIX host port, as a program: a device simulated in a
 * folder that a user can initialise, update with a signed bundle, boot, confirm, inspect, and
 * decommission (docs/agent.md, "Trying it"). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_update.h"
#include "msa/agent.h"
#include "msa/checkin.h"
#include "posix.h"

#define PROG "medsec-agent"
#define ANCHOR_MAX 4096

static const char usage[] =
    "usage: " PROG " init DIR --anchor ANCHOR [--slot-size N] [--log-size N] [--no-log-key]\n"
    "       " PROG " install DIR BUNDLE [--payload FILE]\n"
    "       " PROG " boot DIR\n"
    "       " PROG " confirm DIR\n"
    "       " PROG " status DIR\n"
    "       " PROG " note DIR config|tamper [--value N]\n"
    "       " PROG " log DIR [--export FILE] [--no-sign]\n"
    "       " PROG " decommission DIR -o RECORD [--id SERIAL]\n"
    "       " PROG " checkin DIR [-o FILE] [--id UUID] [--version V]\n";

static const char about[] =
    "\n"
    "The medsec device agent over its POSIX host port: DIR simulates a device (two\n"
    "flash slots A and B, the agent's state in two copies, a monotonic counter, the\n"
    "security log, device keys). The trust anchor given to init decides which signed\n"
    "bundles the device accepts.\n"
    "\n"
    "  init          create DIR: erased slots (default 1 MiB each), a log of 64 KiB,\n"
    "                new device keys (device.pub is the device's public key; log.key\n"
    "                the log's HMAC key), the trust anchor as anchor.cbor\n"
    "  install       verify BUNDLE while streaming it and install it into the inactive\n"
    "                slot as a trial image; an interrupted install resumes\n"
    "  boot          the boot decision: the trial image while it has boots left, else\n"
    "                the confirmed one (rollback); prints the slot chosen\n"
    "  confirm       the image that booted confirms itself; the counter advances\n"
    "  status        slots, images, counter, journal, log\n"
    "  note          log a configuration change or a tamper event\n"
    "  log           print the security log; --export FILE writes the export that\n"
    "                'medsec log verify' checks (signed by the device unless --no-sign)\n"
    "  decommission  erase patient data and keys, write the signed record to RECORD\n"
    "                ('medsec log decommission-verify' checks it)\n"
    "  checkin       write a check-in signed by the device key to FILE (default:\n"
    "                standard output): running slot, security version, image digest,\n"
    "                last install attempt and result, log position; its counter is\n"
    "                the sequence number of a 'checkin' record it logs first. UUID\n"
    "                (32 hex digits) defaults to the first 16 bytes of SHA-256 of\n"
    "                device.pub; V is the release version text the device reports\n"
    "                ('medsec checkin verify' decodes it; docs/checkin.md)\n"
    "\n"
    "MSA_NOW=SECONDS fixes the device's clock; MSA_CUT_AFTER=N makes install (and\n"
    "checkin) lose power at its N-th write (try a power cut, then install the same\n"
    "bundle again).\n"
    "Exit: 0 done, 1 the agent refused\n"
    "(the message says why: a bad bundle, a rollback, no bootable image), 2 usage or\n"
    "a file cannot be read or written.\n";

static int fail(const char *dir, const char *what, msa_err e)
{
    fprintf(stderr, PROG ": %s: %s: %s\n", dir, what, msa_strerror(e));
    return 1;
}

static int usage_error(const char *msg)
{
    fprintf(stderr, PROG ": %s\nTry '" PROG " --help'.\n", msg);
    return 2;
}

/* Read all of @path (at most @max bytes) into a new buffer; NULL with a message on failure. */
static unsigned char *slurp(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad || n > max) {
        fprintf(stderr, PROG ": %s: %s\n", path, bad ? "cannot read" : "too large");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Write @n bytes to @path through a temporary file and a rename; 0 on success. */
static int write_atomic(const char *path, const void *data, size_t n)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot create: %s\n", tmp, strerror(errno));
        return -1;
    }
    int bad = fwrite(data, 1, n, f) != n;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        fprintf(stderr, PROG ": %s: cannot write: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int parse_u(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v > max || *s == '-')
        return -1;
    *out = v;
    return 0;
}

/* An open device: port and agent. */
struct device {
    struct msa_posix px;
    struct msa_port port;
    struct msa_agent a;
};

static int open_device(const char *dir, struct device *d)
{
    if (msa_posix_open(&d->px, dir, &d->port)) {
        fprintf(stderr, PROG ": %s: not a device folder (%s); create one with '" PROG " init'\n",
                dir, strerror(errno));
        return 2;
    }
    const char *now = getenv("MSA_NOW");
    unsigned long long t;
    if (now && *now && !parse_u(now, UINT64_MAX, &t))
        d->px.now = t;
    msa_err rc = msa_agent_init(&d->a, &d->port);
    if (rc) {
        msa_posix_close(&d->px);
        return fail(dir, "cannot start the agent", rc);
    }
    return 0;
}

/* The slot the last boot chose, from DIR/running (the host demo's stand-in for "the code that
 * runs knows where it runs from"). */
static int running_slot(struct device *d, unsigned *slot)
{
    FILE *f = fopen(msa_posix_path(&d->px, "running"), "r");
    int c = f ? fgetc(f) : EOF;
    if (f)
        fclose(f);
    if (c != 'A' && c != 'B')
        return -1;
    *slot = (unsigned)(c - 'A');
    return 0;
}

static int cmd_init(int argc, char **argv)
{
    const char *dir = NULL, *anchor = NULL;
    unsigned long long slot = 1u << 20, logb = 64u << 10;
    int keys = 1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--anchor") && i + 1 < argc)
            anchor = argv[++i];
        else if (!strcmp(argv[i], "--slot-size") && i + 1 < argc) {
            if (parse_u(argv[++i], UINT32_MAX, &slot) || slot < MSA_JOURNAL_BYTES)
                return usage_error("--slot-size: a number of bytes, at least 4096");
        } else if (!strcmp(argv[i], "--log-size") && i + 1 < argc) {
            if (parse_u(argv[++i], UINT32_MAX, &logb) || logb < MSA_LOG_RECORD_BYTES * 2)
                return usage_error("--log-size: a number of bytes, room for two records at least");
        } else if (!strcmp(argv[i], "--no-log-key"))
            keys = 0;
        else if (argv[i][0] == '-')
            return usage_error("init: unknown option");
        else if (!dir)
            dir = argv[i];
        else
            return usage_error("init: one device folder only");
    }
    if (!dir || !anchor)
        return usage_error("init: DIR and --anchor ANCHOR are required");
    size_t alen;
    unsigned char *a = slurp(anchor, ANCHOR_MAX, &alen);
    if (!a)
        return 2;
    msa_err rc = agent_anchor_check(a, alen);
    if (rc) {
        free(a);
        fprintf(stderr, PROG ": %s: not a trust anchor: %s\n", anchor, msa_strerror(rc));
        return 2;
    }
    if (msa_posix_create(dir, (unsigned)slot, (unsigned)logb, keys)) {
        fprintf(stderr, PROG ": %s: cannot create the device folder: %s\n", dir, strerror(errno));
        free(a);
        return 2;
    }
    struct device d;
    int ex = open_device(dir, &d);
    if (!ex) {
        char path[4096];
        snprintf(path, sizeof path, "%s", msa_posix_path(&d.px, "anchor.cbor"));
        ex = write_atomic(path, a, alen) ? 2 : 0;
        if (!ex)
            (void)msa_log_append(&d.a.log, &d.port, MSA_EV_CONFIG, MSA_OK, 0, NULL);
        msa_posix_close(&d.px);
    }
    free(a);
    if (!ex)
        printf("%s: a new device: slots of %llu bytes, log of %llu bytes, %s\n", dir, slot, logb,
               keys ? "log sealed by HMAC under log.key" : "log without a key");
    return ex;
}

static int cmd_boot(const char *dir)
{
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    unsigned s;
    msa_err rc = msa_boot(&d.a, &s);
    if (rc)
        ex = fail(dir, "no image to boot", rc);
    else {
        const struct msa_slot_info *si = &d.a.st.slot[s];
        char c = (char)('A' + s);
        ex = write_atomic(msa_posix_path(&d.px, "running"), &c, 1) ? 2 : 0;
        if (d.a.st.trial == s)
            printf("booted slot %c: security version %" PRIu64 ", trial boot %u of %d (confirm "
                   "it, or the device rolls back)\n",
                   c, si->seq, d.a.st.trial_boots, MSA_TRIAL_BOOTS);
        else
            printf("booted slot %c: security version %" PRIu64 ", confirmed\n", c, si->seq);
    }
    msa_posix_close(&d.px);
    return ex;
}

static int cmd_confirm(const char *dir)
{
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    unsigned s;
    msa_err rc = running_slot(&d, &s) ? MSA_E_STATE : msa_running(&d.a, s);
    if (!rc)
        rc = msa_confirm(&d.a);
    if (rc)
        ex = fail(dir, "cannot confirm (boot a trial image first)", rc);
    else
        printf("slot %c confirmed: security version %" PRIu64 " is the device's minimum now\n",
               'A' + s, d.a.st.slot[s].seq);
    msa_posix_close(&d.px);
    return ex;
}

static void hex(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
}

static int cmd_status(const char *dir)
{
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    const struct msa_state *st = &d.a.st;
    uint64_t ctr = 0;
    if (d.port.counter_read(d.port.ctx, &ctr))
        ex = fail(dir, "cannot read the counter", MSA_E_PORT);
    for (unsigned s = 0; s < MSA_SLOTS && !ex; s++) {
        const struct msa_slot_info *si = &st->slot[s];
        printf("slot %c: ", 'A' + s);
        if (!si->valid)
            printf("empty%s\n", st->j_active && st->j_slot == s ? " (install in progress)" : "");
        else {
            printf("security version %" PRIu64 ", %" PRIu32 " bytes, sha256 ", si->seq, si->size);
            hex(si->digest, 32);
            printf("%s\n", st->confirmed == s ? ", confirmed" : st->trial == s ? ", on trial" : "");
        }
    }
    if (!ex) {
        printf("counter: %" PRIu64 "\n", ctr);
        if (st->trial < MSA_SLOTS)
            printf("trial: slot %c, %u of %d boots used\n", 'A' + st->trial, st->trial_boots,
                   MSA_TRIAL_BOOTS);
        if (st->j_active)
            printf("journal: installing security version %" PRIu64 " into slot %c, %" PRIu32
                   " of %" PRIu32 " bytes checkpointed\n",
                   st->j_seq, 'A' + st->j_slot, st->j_done, st->j_size);
        printf("log: %" PRIu32 " records kept (%" PRIu32 "..%" PRIu32 "), %" PRIu32
               " dropped, room for %" PRIu32 "\n",
               d.a.log.last ? d.a.log.last - d.a.log.first + 1 : 0, d.a.log.first, d.a.log.last,
               d.a.log.first ? d.a.log.first - 1 : 0, d.a.log.slots);
        if (st->decommissioned)
            printf("decommissioned\n");
    }
    msa_posix_close(&d.px);
    return ex;
}

static int cmd_note(int argc, char **argv)
{
    const char *dir = NULL, *what = NULL;
    unsigned long long value = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--value") && i + 1 < argc) {
            if (parse_u(argv[++i], UINT64_MAX, &value))
                return usage_error("--value: a number");
        } else if (!dir)
            dir = argv[i];
        else if (!what)
            what = argv[i];
        else
            return usage_error("note: DIR and one event");
    }
    if (!dir || !what || (strcmp(what, "config") && strcmp(what, "tamper")))
        return usage_error("note: DIR and config or tamper");
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    msa_err rc =
        msa_log_append(&d.a.log, &d.port, !strcmp(what, "config") ? MSA_EV_CONFIG : MSA_EV_TAMPER,
                       MSA_OK, value, NULL);
    if (rc)
        ex = fail(dir, "cannot log", rc);
    msa_posix_close(&d.px);
    return ex;
}

static int cmd_log(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    int sign = 1;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--export") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--no-sign"))
            sign = 0;
        else if (argv[i][0] == '-' || dir)
            return usage_error("log: DIR [--export FILE] [--no-sign]");
        else
            dir = argv[i];
    }
    if (!dir)
        return usage_error("log: missing device folder");
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    size_t cap = msa_log_export_size(&d.a.log), len = 0;
    unsigned char *exp = malloc(cap);
    msa_err rc = exp ? msa_log_export(&d.a.log, &d.port, sign, exp, cap, &len) : MSA_E_LIMIT;
    struct msa_log_report rep;
    if (!rc)
        rc = msa_log_verify(&d.port, exp, len, NULL, NULL, &rep);
    if (rc)
        ex = fail(dir, "the log", rc);
    else if (out)
        ex = write_atomic(out, exp, len) ? 2 : 0;
    else {
        if (rep.dropped)
            printf("(%" PRIu64 " older records dropped by the ring)\n", rep.dropped);
        for (uint32_t i = 0; i < rep.records; i++) {
            struct msa_log_record r;
            char when[32] = "-";
            (void)msa_log_record_at(exp, len, i, &r);
            time_t t = (time_t)r.time;
            struct tm tm;
            if (r.time && gmtime_r(&t, &tm))
                strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            printf("%6" PRIu32 "  %s  %-13s  value %-6" PRIu64 "  %s\n", r.seq, when,
                   msa_log_event_name(r.event), r.value,
                   r.code                       ? msa_strerror((msa_err)r.code)
                   : r.event == MSA_EV_ROLLBACK ? "its trial boots were used up, unconfirmed"
                                                : "ok");
        }
    }
    free(exp);
    msa_posix_close(&d.px);
    return ex;
}

static int cmd_decommission(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL, *serial = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--id") && i + 1 < argc)
            serial = argv[++i];
        else if (argv[i][0] == '-' || dir)
            return usage_error("decommission: DIR -o RECORD [--id SERIAL]");
        else
            dir = argv[i];
    }
    if (!dir || !out)
        return usage_error("decommission: DIR and -o RECORD are required");
    unsigned char id[16] = {0}, rec[MSA_DECOM_BYTES];
    if (serial) {
        if (strlen(serial) > sizeof id)
            return usage_error("--id: at most 16 characters");
        memcpy(id, serial, strlen(serial));
    }
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    size_t len = 0;
    msa_err rc = msa_decommission(&d.a, id, rec, sizeof rec, &len);
    if (rc)
        ex = fail(dir, "cannot decommission", rc);
    else if (write_atomic(out, rec, len))
        ex = 2;
    else
        printf("%s: decommissioned: patient data, data key, log key and device key erased; "
               "signed record in %s\n",
               dir, out);
    msa_posix_close(&d.px);
    return ex;
}

/* The 16 bytes of the 32 hexadecimal digits @s (dashes allowed, as in a UUID); 0 on success. */
static int parse_uuid(const char *s, unsigned char id[16])
{
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '-')
            continue;
        int v = *s >= '0' && *s <= '9'   ? *s - '0'
                : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
                : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
                                         : -1;
        if (v < 0 || k >= 32)
            return -1;
        id[k / 2] = (unsigned char)(k % 2 ? id[k / 2] | v : v << 4);
        k++;
    }
    return k == 32 ? 0 : -1;
}

/* SHA-256 of the 32 bytes at @in through the port's crypto; 0 on success. */
static int sha256_pub(const struct msa_port *p, const unsigned char in[32], unsigned char out[32])
{
    struct msa_sha256 h;
    return p->sha256_init(p->ctx, &h) || p->sha256_update(p->ctx, &h, in, 32) ||
           p->sha256_final(p->ctx, &h, out);
}

static int cmd_checkin(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL, *uuid = NULL, *version = "";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--id") && i + 1 < argc)
            uuid = argv[++i];
        else if (!strcmp(argv[i], "--version") && i + 1 < argc)
            version = argv[++i];
        else if (argv[i][0] == '-' || dir)
            return usage_error("checkin: DIR [-o FILE] [--id UUID] [--version V]");
        else
            dir = argv[i];
    }
    if (!dir)
        return usage_error("checkin: missing device folder");
    unsigned char id[16];
    if (uuid && parse_uuid(uuid, id))
        return usage_error("--id: 32 hexadecimal digits (a UUID)");
    if (strlen(version) > MSA_CHECKIN_VERSION_MAX)
        return usage_error("--version: at most 32 characters");
    for (const char *c = version; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            return usage_error("--version: printable ASCII only");
    struct device d;
    int ex = open_device(dir, &d);
    if (ex)
        return ex;
    if (!uuid) {
        unsigned char pub[32], dg[32];
        FILE *f = fopen(msa_posix_path(&d.px, "device.pub"), "rb");
        size_t got = f ? fread(pub, 1, sizeof pub, f) : 0;
        if (f)
            fclose(f);
        if (got != sizeof pub || sha256_pub(&d.port, pub, dg)) {
            fprintf(stderr, PROG ": %s: no device.pub to derive the device id from; give --id\n",
                    dir);
            msa_posix_close(&d.px);
            return 2;
        }
        memcpy(id, dg, 16);
    }
    unsigned slot;
    if (!running_slot(&d, &slot))
        (void)msa_running(&d.a, slot);
    const char *cut = getenv("MSA_CUT_AFTER");
    if (cut && *cut)
        msa_posix_cut_after(&d.px, strtol(cut, NULL, 10));
    unsigned char msg[MSA_CHECKIN_MAX];
    size_t len = 0;
    uint64_t counter = 0;
    msa_err rc = msa_checkin_build(&d.a, id, &counter, version, msg, sizeof msg, &len);
    if (rc)
        ex = fail(dir, "cannot check in", rc);
    else if (out) {
        if (write_atomic(out, msg, len))
            ex = 2;
        else
            printf("%s: check-in %" PRIu64 " (%zu bytes) written to %s\n", dir, counter, len, out);
    } else if (fwrite(msg, 1, len, stdout) != len || fflush(stdout)) {
        fprintf(stderr, PROG ": standard output: cannot write\n");
        ex = 2;
    }
    msa_posix_close(&d.px);
    return ex;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("missing command");
    const char *cmd = argv[1];
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            fputs(about, stdout);
            return 0;
        }
    if (!strcmp(cmd, "init"))
        return cmd_init(argc - 2, argv + 2);
    if (!strcmp(cmd, "install"))
        return agent_install(argc - 2, argv + 2);
    if (!strcmp(cmd, "note"))
        return cmd_note(argc - 2, argv + 2);
    if (!strcmp(cmd, "log"))
        return cmd_log(argc - 2, argv + 2);
    if (!strcmp(cmd, "decommission"))
        return cmd_decommission(argc - 2, argv + 2);
    if (!strcmp(cmd, "checkin"))
        return cmd_checkin(argc - 2, argv + 2);
    if (argc != 3)
        return usage_error(argc < 3 ? "missing device folder" : "one device folder only");
    if (!strcmp(cmd, "boot"))
        return cmd_boot(argv[2]);
    if (!strcmp(cmd, "confirm"))
        return cmd_confirm(argv[2]);
    if (!strcmp(cmd, "status"))
        return cmd_status(argv[2]);
    return usage_error("unknown command");
}
