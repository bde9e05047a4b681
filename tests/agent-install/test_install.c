/* test_install.c: the agent's A/B install, boot decision, rollback, anti-rollback, state copies,
 * security log and decommissioning over the POSIX port, and the power-cut suite on raw images
 * (every write of an install + boot + confirm cut in turn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "devtest.h"

#define IMG_BYTES 40000u /* not a multiple of the journal's checkpoints */
#define CHUNK 1000u

static char tmp[256];

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

/* The "bundle digest" of a raw image: SHA-256 of version and image. */
static void raw_id(unsigned v, const unsigned char *img, size_t n, unsigned char id[32],
                   unsigned char digest[32])
{
    crypto_hash_sha256(digest, img, n);
    crypto_hash_sha256_state h;
    unsigned char b = (unsigned char)v;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, &b, 1);
    crypto_hash_sha256_update(&h, digest, 32);
    crypto_hash_sha256_final(&h, id);
}

/* Install image version @v (security version @v) with raw begin/write/finish. */
static msa_err install_raw(struct msa_agent *a, unsigned v)
{
    static unsigned char img[IMG_BYTES];
    unsigned char id[32], digest[32];
    dt_image(v, img, sizeof img);
    raw_id(v, img, sizeof img, id, digest);
    msa_err rc = msa_install_begin(a, id, v, IMG_BYTES, digest, NULL);
    for (uint32_t off = 0; !rc && off < IMG_BYTES; off += CHUNK)
        rc =
            msa_install_write(a, off, img + off, IMG_BYTES - off < CHUNK ? IMG_BYTES - off : CHUNK);
    return rc ? rc : msa_install_finish(a);
}

/* The slot @s of device @d holds image version @v byte for byte. */
static int slot_holds(struct dt_dev *d, unsigned s, unsigned v)
{
    static unsigned char want[IMG_BYTES], have[IMG_BYTES];
    dt_image(v, want, sizeof want);
    if (d->port.slot_read(d->port.ctx, s, 0, have, sizeof have))
        return 0;
    return !memcmp(want, have, sizeof want);
}

/* A device with version 1 installed, booted and confirmed (slot A, counter 1). */
static void provision(struct dt_dev *d, const char *name)
{
    unsigned s;
    assert_int_equal(dt_create(d, tmp, name, 1), 0);
    assert_int_equal(msa_boot(&d->a, &s), MSA_E_NO_IMAGE);
    assert_int_equal(install_raw(&d->a, 1), MSA_OK);
    assert_int_equal(msa_boot(&d->a, &s), MSA_OK);
    assert_int_equal(s, 0);
    assert_int_equal(msa_confirm(&d->a), MSA_OK);
}

static uint64_t counter(struct dt_dev *d)
{
    uint64_t c = 0;
    assert_int_equal(d->port.counter_read(d->port.ctx, &c), 0);
    return c;
}

static void test_update_confirm(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    provision(&d, "confirm");
    assert_int_equal(counter(&d), 1);
    assert_int_equal(msa_install_slot(&d.a), 1);
    assert_int_equal(install_raw(&d.a, 2), MSA_OK);
    /* the counter moves only when the new image confirms itself */
    assert_int_equal(counter(&d), 1);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 1);
    assert_true(slot_holds(&d, 1, 2));
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    assert_int_equal(counter(&d), 2);
    assert_int_equal(msa_confirm(&d.a), MSA_E_STATE);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 1);
    /* the next update goes to A */
    assert_int_equal(msa_install_slot(&d.a), 0);
    dt_close(&d);
}

static void test_trial_rolls_back(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    provision(&d, "rollback");
    assert_int_equal(install_raw(&d.a, 2), MSA_OK);
    /* the new image gets MSA_TRIAL_BOOTS boots and never confirms */
    for (int i = 0; i < MSA_TRIAL_BOOTS; i++) {
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
        assert_int_equal(s, 1);
    }
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 0);
    assert_true(slot_holds(&d, 0, 1));
    assert_int_equal(d.a.st.trial, MSA_NO_SLOT);
    assert_false(d.a.st.slot[1].valid);
    assert_int_equal(counter(&d), 1);
    /* the old image cannot confirm anything, it is not on trial */
    assert_int_equal(msa_confirm(&d.a), MSA_E_STATE);
    /* and stays the one booted */
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 0);
    /* the log holds the rollback */
    int rollbacks = 0;
    size_t n = msa_log_export_size(&d.a.log), len = 0;
    unsigned char *exp = malloc(n);
    assert_non_null(exp);
    assert_int_equal(msa_log_export(&d.a.log, &d.port, 1, exp, n, &len), MSA_OK);
    struct msa_log_report rep;
    assert_int_equal(msa_log_verify(&d.port, exp, len, NULL, NULL, &rep), MSA_OK);
    for (uint32_t i = 0; i < rep.records; i++) {
        struct msa_log_record r;
        assert_int_equal(msa_log_record_at(exp, len, i, &r), MSA_OK);
        rollbacks += r.event == MSA_EV_ROLLBACK && r.value == 2;
    }
    assert_int_equal(rollbacks, 1);
    free(exp);
    dt_close(&d);
}

static void test_replay_older(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    provision(&d, "replay");
    assert_int_equal(install_raw(&d.a, 3), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    /* older and equal versions are refused, before anything is written */
    assert_int_equal(install_raw(&d.a, 2), MSA_E_ROLLBACK);
    assert_int_equal(install_raw(&d.a, 3), MSA_E_ROLLBACK);
    assert_int_equal(install_raw(&d.a, 1), MSA_E_ROLLBACK);
    assert_true(slot_holds(&d, 1, 3));
    assert_true(slot_holds(&d, 0, 1));
    /* the old image still in slot A is below the counter: never booted even if B breaks */
    unsigned char junk = 0;
    assert_int_equal(d.port.slot_erase(d.port.ctx, 1, 0, 4096), 0);
    assert_int_equal(d.port.slot_write(d.port.ctx, 1, 0, &junk, 1), 0);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_E_NO_IMAGE);
    dt_close(&d);
}

static void test_tampered_slot(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    provision(&d, "tamper");
    assert_int_equal(install_raw(&d.a, 2), MSA_OK);
    /* one bit of the trial image cleared: the agent does not run it and rolls back */
    unsigned char b;
    assert_int_equal(d.port.slot_read(d.port.ctx, 1, 777, &b, 1), 0);
    b = (unsigned char)(b & (b - 1)); /* clear the lowest set bit (flash can) */
    if (!b)
        b = 0;
    assert_int_equal(d.port.slot_write(d.port.ctx, 1, 777, &b, 1), 0);
    assert_false(slot_holds(&d, 1, 2) && b != 0);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(s, 0);
    assert_int_equal(d.a.st.trial, MSA_NO_SLOT);
    dt_close(&d);
}

static void test_state_torn(void **state)
{
    (void)state;
    struct dt_dev d;
    provision(&d, "torn");
    struct msa_state before = d.a.st;
    /* the next state write is torn: the agent then loads the copy before it */
    msa_posix_cut_after(&d.px, 1);
    d.a.st.trial_boots = 2;
    assert_int_equal(msa_state_store(&d.port, &d.a.st), MSA_E_PORT);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(d.a.st.gen, before.gen);
    assert_int_equal(d.a.st.trial_boots, before.trial_boots);
    assert_int_equal(d.a.st.confirmed, 0);
    /* the torn copy is written again by the next store; then a corrupted newest copy is
     * skipped, and both corrupted is a blank device */
    assert_int_equal(msa_state_store(&d.port, &d.a.st), MSA_OK);
    assert_int_equal(d.a.st.gen, before.gen + 1);
    unsigned char buf[MSA_STATE_BYTES];
    struct msa_state st;
    assert_int_equal(msa_state_load(&d.port, &st), MSA_OK);
    assert_int_equal(st.gen, before.gen + 1);
    for (uint32_t g = before.gen + 1; g + 1 >= before.gen; g--) {
        assert_int_equal(d.port.state_read(d.port.ctx, g & 1u, buf, MSA_STATE_USED), 0);
        buf[20] ^= 1;
        assert_int_equal(d.port.state_write(d.port.ctx, g & 1u, buf, MSA_STATE_USED), 0);
        if (g == before.gen + 1) {
            assert_int_equal(msa_state_load(&d.port, &st), MSA_OK);
            assert_int_equal(st.gen, before.gen);
        } else {
            assert_int_equal(msa_state_load(&d.port, &st), MSA_E_NO_IMAGE);
            break;
        }
    }
    dt_close(&d);
}

/* The power-cut suite on raw images: for every write N of "install v2, boot, confirm", a device
 * with v1 confirmed loses power at write N, reboots, and its update client retries. */
static void test_power_cuts(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    /* the writes of one uninterrupted run */
    provision(&d, "count");
    long w0 = d.px.writes;
    assert_int_equal(install_raw(&d.a, 2), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    long total = d.px.writes - w0;
    dt_close(&d);
    dt_rmdir(d.dir);
    assert_true(total > (long)(IMG_BYTES / CHUNK));

    long resumed = 0, restarted = 0, old = 0, new = 0, unbootable = 0, downgraded = 0;
    for (long n = 1; n <= total; n++) {
        char name[32];
        snprintf(name, sizeof name, "cut%ld", n);
        provision(&d, name);
        msa_posix_cut_after(&d.px, n);
        msa_err rc = install_raw(&d.a, 2);
        if (!rc)
            rc = msa_boot(&d.a, &s);
        if (!rc)
            rc = msa_confirm(&d.a);
        assert_true(d.px.lost); /* write n happened and failed */
        /* reboot: the device boots a verified image, never below its counter */
        assert_int_equal(dt_reboot(&d), 0);
        uint64_t ctr = counter(&d);
        rc = msa_boot(&d.a, &s);
        if (rc) {
            unbootable++;
            dt_close(&d);
            continue;
        }
        int is_new = d.a.st.slot[s].seq == 2;
        if (d.a.st.slot[s].seq < ctr || !slot_holds(&d, s, is_new ? 2 : 1))
            downgraded++;
        is_new ? new ++ : old++;
        /* the update client retries: resume or restart, then boot and confirm */
        if (d.a.st.trial != MSA_NO_SLOT && d.a.booted == d.a.st.trial) {
            assert_int_equal(msa_confirm(&d.a), MSA_OK);
        } else if (!(d.a.st.confirmed < MSA_SLOTS && d.a.st.slot[d.a.st.confirmed].seq == 2)) {
            int journal = d.a.st.j_active;
            assert_int_equal(install_raw(&d.a, 2), MSA_OK);
            if (journal && d.a.inst_resumed)
                resumed++;
            else
                restarted++;
            assert_int_equal(dt_reboot(&d), 0);
            assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
            assert_int_equal(msa_confirm(&d.a), MSA_OK);
        }
        /* the end: v2 confirmed in slot B, counter 2 */
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
        assert_int_equal(s, 1);
        assert_true(slot_holds(&d, 1, 2));
        assert_int_equal(counter(&d), 2);
        dt_close(&d);
        dt_rmdir(d.dir);
    }
    printf("power cuts (raw images): %ld positions, %ld resumed, %ld restarted, %ld booted old, "
           "%ld booted new, %ld unbootable, %ld downgraded\n",
           total, resumed, restarted, old, new, unbootable, downgraded);
    assert_int_equal(unbootable, 0);
    assert_int_equal(downgraded, 0);
    assert_int_equal(old + new, total);
    assert_true(resumed > 0);
}

/* After a power cut: the device boots a verified image not below its counter (else the test
 * fails), then the update client retries. Returns 0 when the retry ran to the end, -1 when the
 * power went again. */
static int boot_and_retry(struct dt_dev *d)
{
    unsigned s;
    uint64_t ctr = counter(d);
    msa_err rc = msa_boot(&d->a, &s);
    if (rc && d->px.lost)
        return -1; /* the power went during the boot's own writes */
    assert_int_equal(rc, MSA_OK);
    assert_true(d->a.st.slot[s].seq >= ctr);
    assert_true(slot_holds(d, s, (unsigned)d->a.st.slot[s].seq));
    if (d->a.st.trial != MSA_NO_SLOT && d->a.booted == d->a.st.trial)
        rc = msa_confirm(&d->a);
    else if (!(d->a.st.confirmed < MSA_SLOTS && d->a.st.slot[d->a.st.confirmed].seq == 2)) {
        rc = install_raw(&d->a, 2);
        if (!rc)
            rc = msa_boot(&d->a, &s);
        if (!rc)
            rc = msa_confirm(&d->a);
    }
    if (d->px.lost)
        return -1;
    assert_int_equal(rc, MSA_OK);
    return 0;
}

/* Two power cuts: one during the install (every 8th write position), one during the recovery
 * after it (every write position); then a clean recovery. */
static void test_double_cuts(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    long total = 0, pairs = 0;
    provision(&d, "count2");
    long w0 = d.px.writes;
    assert_int_equal(install_raw(&d.a, 2), MSA_OK);
    assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
    assert_int_equal(msa_confirm(&d.a), MSA_OK);
    total = d.px.writes - w0;
    dt_close(&d);
    dt_rmdir(d.dir);
    for (long n = 1; n <= total; n += 8) {
        for (long m = 1;; m++) {
            char name[48];
            snprintf(name, sizeof name, "cut%ld-%ld", n, m);
            provision(&d, name);
            msa_posix_cut_after(&d.px, n);
            msa_err rc = install_raw(&d.a, 2);
            if (!rc)
                rc = msa_boot(&d.a, &s);
            if (!rc)
                rc = msa_confirm(&d.a);
            assert_true(d.px.lost);
            assert_int_equal(dt_reboot(&d), 0);
            msa_posix_cut_after(&d.px, m);
            int again = boot_and_retry(&d);
            if (again) {
                pairs++;
                assert_int_equal(dt_reboot(&d), 0);
                assert_int_equal(boot_and_retry(&d), 0);
            }
            assert_int_equal(dt_reboot(&d), 0);
            assert_int_equal(msa_boot(&d.a, &s), MSA_OK);
            assert_int_equal(s, 1);
            assert_true(slot_holds(&d, 1, 2));
            assert_int_equal(counter(&d), 2);
            dt_close(&d);
            dt_rmdir(d.dir);
            if (!again)
                break; /* the recovery has fewer than m writes */
        }
    }
    printf("double power cuts (raw images): %ld pairs of positions, each boot verified and not "
           "below the counter (asserted)\n",
           pairs);
    assert_true(pairs > total);
}

/* Log: append past the ring's size; the export counts the dropped records and verifies. */
static void test_log_wrap(void **state)
{
    (void)state;
    struct dt_dev d;
    assert_int_equal(dt_create(&d, tmp, "logwrap", 1), 0);
    uint32_t slots = d.a.log.slots;
    assert_int_equal(slots, DT_LOG_BYTES / MSA_LOG_RECORD_BYTES);
    for (uint32_t i = 0; i < slots * 2 + 5; i++)
        assert_int_equal(msa_log_append(&d.a.log, &d.port, MSA_EV_CONFIG, 0, i, NULL), MSA_OK);
    assert_int_equal(d.a.log.last, slots * 2 + 5);
    assert_int_equal(d.a.log.first, slots + 6);
    /* a reboot finds the same window */
    struct msa_log before = d.a.log;
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(d.a.log.first, before.first);
    assert_int_equal(d.a.log.last, before.last);
    assert_memory_equal(d.a.log.head, before.head, 32);
    size_t n = msa_log_export_size(&d.a.log), len = 0;
    unsigned char *exp = malloc(n), key[32], pub[32];
    assert_non_null(exp);
    assert_int_equal(msa_log_export(&d.a.log, &d.port, 1, exp, n, &len), MSA_OK);
    assert_int_equal(d.port.key_get(d.port.ctx, MSA_KEY_LOG, key, 32), 0);
    FILE *f = fopen(msa_posix_path(&d.px, "device.pub"), "rb");
    assert_non_null(f);
    assert_int_equal(fread(pub, 1, 32, f), 32);
    fclose(f);
    struct msa_log_report rep;
    assert_int_equal(msa_log_verify(&d.port, exp, len, key, pub, &rep), MSA_OK);
    assert_int_equal(rep.records, slots);
    assert_int_equal(rep.dropped, slots + 5);
    assert_true(rep.macs_checked && rep.sig_checked);
    /* a torn append: the record is not counted, the next append takes its place */
    msa_posix_cut_after(&d.px, 2);
    assert_int_equal(msa_log_append(&d.a.log, &d.port, MSA_EV_TAMPER, -1, 0, NULL), MSA_E_PORT);
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(d.a.log.last, before.last);
    assert_int_equal(d.a.log.first, before.first + 1); /* its slot was erased */
    assert_int_equal(msa_log_append(&d.a.log, &d.port, MSA_EV_TAMPER, -1, 0, NULL), MSA_OK);
    free(exp);
    n = msa_log_export_size(&d.a.log);
    exp = malloc(n);
    assert_non_null(exp);
    assert_int_equal(msa_log_export(&d.a.log, &d.port, 1, exp, n, &len), MSA_OK);
    assert_int_equal(msa_log_verify(&d.port, exp, len, key, pub, &rep), MSA_OK);
    assert_int_equal(rep.records, slots);
    /* every single byte changed is detected with the key */
    for (size_t i = 0; i < len; i++) {
        exp[i] ^= 0x20;
        assert_int_not_equal(msa_log_verify(&d.port, exp, len, key, pub, &rep), MSA_OK);
        exp[i] ^= 0x20;
    }
    /* truncation at a record boundary, and a record removed from the middle */
    assert_int_not_equal(msa_log_verify(&d.port, exp, len - MSA_LOG_RECORD_BYTES, key, NULL, &rep),
                         MSA_OK);
    memmove(exp + MSA_LOG_HEADER_BYTES + 3 * MSA_LOG_RECORD_BYTES,
            exp + MSA_LOG_HEADER_BYTES + 4 * MSA_LOG_RECORD_BYTES,
            len - MSA_LOG_HEADER_BYTES - 4 * MSA_LOG_RECORD_BYTES);
    assert_int_equal(msa_log_verify(&d.port, exp, len - MSA_LOG_RECORD_BYTES, NULL, NULL, &rep),
                     MSA_E_LOG);
    free(exp);
    dt_close(&d);
}

static void test_decommission(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    unsigned char rec[MSA_DECOM_BYTES], pub[32], id[16] = "SN-000042";
    size_t len = 0;
    provision(&d, "decom");
    FILE *f = fopen(msa_posix_path(&d.px, "device.pub"), "rb");
    assert_non_null(f);
    assert_int_equal(fread(pub, 1, 32, f), 32);
    fclose(f);
    assert_int_equal(msa_decommission(&d.a, id, rec, sizeof rec, &len), MSA_OK);
    assert_int_equal(len, MSA_DECOM_BYTES);
    struct msa_decom_record r;
    assert_int_equal(msa_decom_verify(&d.port, rec, len, pub, &r), MSA_OK);
    assert_int_equal(r.erased, 15);
    assert_int_equal(r.security_version, 1);
    assert_int_equal(r.log_last, d.a.log.last);
    assert_memory_equal(r.device_id, id, 16);
    /* every key and the patient data are gone */
    unsigned char k[64];
    assert_int_not_equal(d.port.key_get(d.port.ctx, MSA_KEY_DEVICE, k, 64), 0);
    assert_int_not_equal(d.port.key_get(d.port.ctx, MSA_KEY_LOG, k, 32), 0);
    assert_int_not_equal(d.port.key_get(d.port.ctx, MSA_KEY_DATA, k, 32), 0);
    f = fopen(msa_posix_path(&d.px, "data.bin"), "rb");
    assert_null(f);
    /* no more boots or updates */
    assert_int_equal(dt_reboot(&d), 0);
    assert_int_equal(msa_boot(&d.a, &s), MSA_E_STATE);
    assert_int_equal(install_raw(&d.a, 5), MSA_E_STATE);
    /* any byte changed, or another key, fails */
    for (size_t i = 0; i < len; i++) {
        rec[i] ^= 1;
        assert_int_not_equal(msa_decom_verify(&d.port, rec, len, pub, &r), MSA_OK);
        rec[i] ^= 1;
    }
    pub[0] ^= 1;
    assert_int_equal(msa_decom_verify(&d.port, rec, len, pub, &r), MSA_E_SIGNATURE);
    assert_int_equal(msa_decom_verify(&d.port, rec, len - 1, pub, &r), MSA_E_STRUCTURE);
    dt_close(&d);
}

/* Decommissioning cut at each of its writes: after the reboot the device never boots again once
 * the state says so, and a repeated call erases everything and yields a record that verifies,
 * unless the cut fell on the device key's own erasure (then that key is destroyed: no record
 * can verify). */
static void test_decommission_cuts(void **state)
{
    (void)state;
    struct dt_dev d;
    unsigned s;
    unsigned char rec[MSA_DECOM_BYTES], pub[32], k[64], id[16] = "SN-7";
    size_t len;
    provision(&d, "dcount");
    long w0 = d.px.writes;
    assert_int_equal(msa_decommission(&d.a, id, rec, sizeof rec, &len), MSA_OK);
    long total = d.px.writes - w0;
    dt_close(&d);
    dt_rmdir(d.dir);
    long records = 0, destroyed = 0;
    for (long n = 1; n <= total; n++) {
        char name[32];
        snprintf(name, sizeof name, "dcut%ld", n);
        provision(&d, name);
        FILE *f = fopen(msa_posix_path(&d.px, "device.pub"), "rb");
        assert_non_null(f);
        assert_int_equal(fread(pub, 1, 32, f), 32);
        fclose(f);
        msa_posix_cut_after(&d.px, n);
        assert_int_not_equal(msa_decommission(&d.a, id, rec, sizeof rec, &len), MSA_OK);
        assert_int_equal(dt_reboot(&d), 0);
        msa_err b = msa_boot(&d.a, &s);
        assert_true(n == 1 ? b == MSA_OK : b == MSA_E_STATE); /* write 1 is the state's */
        msa_err rc = msa_decommission(&d.a, id, rec, sizeof rec, &len);
        if (rc == MSA_OK && msa_decom_verify(&d.port, rec, len, pub, NULL) == MSA_OK)
            records++;
        else {
            assert_int_equal(n, total); /* only a cut on the device key's erasure */
            destroyed++;
        }
        assert_int_not_equal(d.port.key_get(d.port.ctx, MSA_KEY_LOG, k, 32), 0);
        assert_int_not_equal(d.port.key_get(d.port.ctx, MSA_KEY_DATA, k, 32), 0);
        assert_null(fopen(msa_posix_path(&d.px, "data.bin"), "rb"));
        assert_int_equal(dt_reboot(&d), 0);
        assert_int_equal(msa_boot(&d.a, &s), MSA_E_STATE);
        dt_close(&d);
        dt_rmdir(d.dir);
    }
    printf("decommissioning cut at each of its %ld writes: %ld signed records after a repeat, %ld "
           "device keys destroyed by the cut itself\n",
           total, records, destroyed);
    assert_int_equal(records + destroyed, total);
}

/* HMAC-SHA256 against RFC 4231 test case 2. */
static void test_hmac(void **state)
{
    (void)state;
    struct msa_port p;
    memset(&p, 0, sizeof p);
    msa_posix_crypto(&p);
    unsigned char out[32];
    static const unsigned char want[32] = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
                                           0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
                                           0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
                                           0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
    const char *msg = "what do ya want for nothing?";
    assert_int_equal(msa_hmac_sha256(&p, (const unsigned char *)"Jefe", 4, msg, strlen(msg), out),
                     MSA_OK);
    assert_memory_equal(out, want, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac),
        cmocka_unit_test_setup_teardown(test_update_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_older, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_torn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cuts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_cuts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decommission, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decommission_cuts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
