/* test_bundles.c: the agent's update path on real signed bundles (made by bundles.sh with
 * tests/agent-common/mkbundle.py): the power-cut suite (every write of "update to v2, boot,
 * confirm" cut in turn), the replay of an older signed bundle, a trial that never confirms, a
 * tampered payload, an untrusted signer, another device class, a detached payload.
 * usage: test_agent_bundles DIR (the folder bundles.sh made) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devtest.h"
#include "msa/trust.h"

static const char *bundles;
static char tmp[256];
static unsigned char anchor[4096];
static struct msa_trust trust;
static struct msa_update work;

static int setup(void **state)
{
    (void)state;
    return dt_tmpdir(tmp, sizeof tmp);
}

static int teardown(void **state)
{
    (void)state;
    dt_rmdir(tmp);
    return 0;
}

static const char *in_bundles(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", bundles, name);
    return path;
}

static int file_read(void *arg, void *buf, size_t cap, size_t *got)
{
    *got = fread(buf, 1, cap, arg);
    return ferror((FILE *)arg) ? -1 : 0;
}

/* msa_update of bundle file @name (with the detached payload file @payload, may be NULL). */
static msa_err update(struct dt_dev *d, const char *name, const char *payload)
{
    FILE *f = fopen(in_bundles(name), "rb"), *p = NULL;
    assert_non_null(f);
    if (payload) {
        p = fopen(in_bundles(payload), "rb");
        assert_non_null(p);
    }
    msa_err rc = msa_update(&d->a, &work, &trust, NULL, file_read, f, p ? file_read : NULL, p);
    fclose(f);
    if (p)
        fclose(p);
    return rc;
}

/* Slot @s holds the image file @name byte for byte. */
static int slot_holds(struct dt_dev *d, unsigned s, const char *name)
{
    static unsigned char want[65536], have[65536];
    FILE *f = fopen(in_bundles(name), "rb");
    assert_non_null(f);
    size_t n = fread(want, 1, sizeof want, f);
    fclose(f);
    if (d->port.slot_read(d->port.ctx, s, 0, have, n))
        return 0;
    return !memcmp(want, have, n);
}

static uint64_t counter(struct dt_dev *d)
{
    uint64_t c = 0;
    assert_int_equal(d->port.counter_read(d->port.ctx, &c), 0);
    return c;
}

/* A device with b1 (security version 1) installed, booted, confirmed in slot A. */
static void provision(struct dt_dev *d, const char *name)
{
    unsigned s;
    assert_int_equal(dt_create(d, tmp, name, 1), 0);
    assert_int_equal(update(d, "b1.suit", NULL), MSA_OK);
    assert_int_equal(msa_boot(&d->a, &s), MSA_OK);
    assert_int_equal(s, 0);
    assert_int_equal(msa_confirm(&d->a), MSA_OK);
    assert_true(slot_holds(d, 0, "img1"));
    assert_int_equal(counter(d), 1);
}

/* The last log record's event and code. */
static void last_event(struct dt_dev *d, unsigned *event, int32_t *code)
{
    size_t n = msa_log_export_size(&d->a.log), len = 0;
    unsigned char *exp = malloc(n);
    struct msa_log_report rep;
    struct msa_log_record r;
    assert_non_null(exp);
    assert_int_equal(msa_log_export(&d->a.log, &d->port, 0, exp, n, &len), MSA_OK);
    assert_int_equal(msa_log_verify(&d->port, exp, len, NULL, NULL, &rep), MSA_OK);
    assert_int_equal(msa_log_record_at(exp, len, rep.records - 1, &r), MSA_OK);
    *event = r.event;
    *code = r.code;
    free(exp);
}

static void test_power_cuts(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    provision(&d, "count");
    long w0 = d.px.writes;
    assert_int_equal(update(&d, "b2.suit", NULL), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    long total = d.px.writes - w0;
    dt_close(&d);
    dt_rmdir(d.dir);

    long resumed = 0, restarted = 0, old = 0, new = 0, unbootable = 0, downgraded = 0;
    for (long n = 1; n <= total; n++) {
        char name[32];
        snprintf(name, sizeof name, "cut%ld", n);
        provision(&d, name);
        msa_posix_cut_after(&d.px, n);
        msa_err rc = update(&d, "b2.suit", NULL);
        if (!rc)
            rc = msa_boot(&d.a, &s);
        if (!rc)
            rc = msa_confirm(&d.a);
        assert_true(d.px.lost);
        /* reboot: a verified image, never below the counter */
        assert_int_equal(dt_reboot(&d), 0);
        uint64_t ctr = counter(&d);
        if (msa_boot(&d.a, &s)) {
            unbootable++;
            dt_close(&d);
            continue;
        }
        int is_new = d.a.st.slot[s].seq == 2;
        if (d.a.st.slot[s].seq < ctr || !slot_holds(&d, s, is_new ? "img2" : "img1"))
            downgraded++;
        is_new ? new ++ : old++;
        /* the update client retries */
        if (d.a.st.trial != MSA_NO_SLOT && d.a.booted == d.a.st.trial) {
            assert_int_equal(msa_confirm(&d.a), MSA_OK);
        } else if (!(d.a.st.confirmed < MSA_SLOTS && d.a.st.slot[d.a.st.confirmed].seq == 2)) {
            int journal = d.a.st.j_active;
            assert_int_equal(update(&d, "b2.suit", NULL), MSA_OK);
            if (journal && d.a.inst_resumed)
                resumed++;
            else
                restarted++;
            assert_int_equal(dt_reboot(&d), 0);
            assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
            assert_int_equal(msa_confirm(&d.a), MSA_OK);
        }
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
        assert_int_equal(s, 1);
        assert_true(slot_holds(&d, 1, "img2"));
        assert_int_equal(counter(&d), 2);
        /* the old bundle stays refused */
        assert_int_equal(update(&d, "b1.suit", NULL), MSA_E_ROLLBACK);
        dt_close(&d);
        dt_rmdir(d.dir);
    }
    printf("power cuts (signed bundle, update + boot + confirm): %ld positions, %ld resumed, %ld "
           "restarted, %ld booted old, %ld booted new, %ld unbootable, %ld downgraded\n",
           total, resumed, restarted, old, new, unbootable, downgraded);
    assert_int_equal(unbootable, 0);
    assert_int_equal(downgraded, 0);
    assert_int_equal(old + new, total);
    assert_true(resumed > 0);
}

static void test_replay(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s, ev;
    int32_t code;
    provision(&d, "replay");
    assert_int_equal(update(&d, "b2.suit", NULL), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    /* the older signed bundle, and the same one again: refused before a slot is touched */
    long w = d.px.writes;
    assert_int_equal(update(&d, "b1.suit", NULL), MSA_E_ROLLBACK);
    assert_int_equal(update(&d, "b2.suit", NULL), MSA_E_ROLLBACK);
    assert_int_equal(d.px.writes - w, 4); /* two log records (erase + write each), nothing else */
    last_event(&d, &ev, &code);
    assert_int_equal(ev, MSA_EV_UPDATE_RESULT);
    assert_int_equal(code, MSA_E_ROLLBACK);
    assert_true(slot_holds(&d, 0, "img1"));
    assert_true(slot_holds(&d, 1, "img2"));
    dt_close(&d);
}

static void test_trial_rolls_back(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s, ev;
    int32_t code;
    provision(&d, "rollback");
    assert_int_equal(update(&d, "b2.suit", NULL), MSA_OK);
    for (int i = 0; i < MSA_TRIAL_BOOTS; i++) {
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
        assert_int_equal(s, 1);
    }
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 0);
    assert_true(slot_holds(&d, 0, "img1"));
    assert_int_equal(counter(&d), 1);
    last_event(&d, &ev, &code);
    assert_int_equal(ev, MSA_EV_BOOT);
    /* the bundle may be tried again */
    assert_int_equal(update(&d, "b2.suit", NULL), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    assert_int_equal(counter(&d), 2);
    dt_close(&d);
}

static void test_rejected(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s, ev;
    int32_t code;
    provision(&d, "rejected");
    /* a tampered payload: written (unauthenticated bytes stream in), then refused by its digest;
     * the slot is not marked, the journal is gone, the log says why */
    assert_int_equal(update(&d, "b2-tampered.suit", NULL), MSA_E_IMAGE_DIGEST);
    assert_int_equal(d.a.st.trial, MSA_NO_SLOT);
    assert_false(d.a.st.slot[1].valid);
    assert_false(d.a.st.j_active);
    last_event(&d, &ev, &code);
    assert_int_equal(ev, MSA_EV_UPDATE_RESULT);
    assert_int_equal(code, MSA_E_IMAGE_DIGEST);
    /* an untrusted signer and another device class: refused before any slot write */
    long w = d.px.writes;
    assert_int_equal(update(&d, "b3-untrusted.suit", NULL), MSA_E_KEY_UNKNOWN);
    last_event(&d, &ev, &code);
    assert_int_equal(ev, MSA_EV_AUTH_FAIL);
    assert_int_equal(code, MSA_E_KEY_UNKNOWN);
    assert_int_equal(update(&d, "b3-class.suit", NULL), MSA_E_CLASS);
    assert_int_equal(d.px.writes - w, 4);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 0);
    /* the detached form of the good release, with and without its payload */
    assert_int_equal(update(&d, "b2-detached.suit", NULL), MSA_E_STRUCTURE);
    assert_int_equal(update(&d, "b2-detached.suit", "img1"), MSA_E_IMAGE_SIZE);
    assert_int_equal(update(&d, "b2-detached.suit", "img2"), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 1);
    assert_true(slot_holds(&d, 1, "img2"));
    dt_close(&d);
}

/* A revocation list carried by one bundle is kept: a later bundle by the revoked key, without the
 * list, is refused after reboots; a state copy holds the ids. */
static void test_revocation(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    /* control: the certified release key is accepted by a device that has no list */
    provision(&d, "control");
    assert_int_equal(update(&d, "b2-rel.suit", NULL), MSA_OK);
    dt_close(&d);
    provision(&d, "revoke");
    assert_int_equal(d.a.st.revoked.number, 0);
    assert_int_equal(update(&d, "b3-revoke.suit", NULL), MSA_OK);
    assert_int_equal(d.a.st.revoked.number, 1);
    assert_int_equal(d.a.st.revoked.n, 1);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(d.a.st.revoked.number, 1);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(update(&d, "b4-rel.suit", NULL), MSA_E_KEY_REVOKED);
    unsigned ev;
    int32_t code;
    last_event(&d, &ev, &code);
    assert_int_equal(ev, MSA_EV_AUTH_FAIL);
    assert_int_equal(code, MSA_E_KEY_REVOKED);
    dt_close(&d);
    /* a list counts even when its bundle is refused: a device at security version 4 refuses the
     * revoking bundle (version 3) as a replay, and keeps its list all the same */
    provision(&d, "revoke2");
    assert_int_equal(update(&d, "b4-rel.suit", NULL), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    struct msa_revoked copy;
    FILE *f = fopen(in_bundles("b3-revoke.suit"), "rb");
    assert_non_null(f);
    assert_int_equal(msa_update(&d.a, &work, &trust, &copy, file_read, f, NULL, NULL),
                     MSA_E_ROLLBACK);
    fclose(f);
    assert_int_equal(copy.number, 1);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(d.a.st.revoked.number, 1);
    assert_int_equal(d.a.st.revoked.n, 1);
    dt_close(&d);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_agent_bundles DIR\n");
        return 2;
    }
    bundles = argv[1];
    struct msa_port p;
    memset(&p, 0, sizeof p);
    msa_posix_crypto(&p);
    FILE *f = fopen(in_bundles("anchor.cbor"), "rb");
    size_t n = f ? fread(anchor, 1, sizeof anchor, f) : 0;
    if (f)
        fclose(f);
    if (msa_trust_decode(&p, anchor, n, &trust)) {
        fprintf(stderr, "test_agent_bundles: %s: not a trust anchor\n", in_bundles("anchor.cbor"));
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revocation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cuts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
