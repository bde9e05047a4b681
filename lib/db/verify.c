/* verify.c: checking what a feed publishes about its files before `db update` imports them: SHA-256
 * and SHA-512 sums (CSAF .sha256/.sha512 files, the sha256 of an NVD 1.1 feed's .meta, over the
 * inflated feed), and detached OpenPGP signatures (CSAF .asc) by the keys a CSAF provider lists,
 * through GPGME in a keyring of its own that lives as long as one update. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <gpgme.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

/* The hex digits of @hex (@n of them, either case) into @out (@n / 2 bytes). */
static bool from_hex(const char *hex, size_t n, unsigned char *out)
{
    size_t bin_len = 0;
    return n % 2 == 0 && sodium_hex2bin(out, n / 2, hex, n, NULL, &bin_len, NULL) == 0 &&
           bin_len == n / 2;
}

bool db_digest_file_matches(const char *text, size_t n, const unsigned char *digest, size_t dlen)
{
    /* "HEX" or "HEX  name" (sha256sum's format): the first word */
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    size_t j = i;
    while (j < n && text[j] != ' ' && text[j] != '\t' && text[j] != '\r' && text[j] != '\n' &&
           text[j] != '*')
        j++;
    unsigned char want[crypto_hash_sha512_BYTES];
    if (j - i != 2 * dlen || dlen > sizeof want || !from_hex(text + i, j - i, want))
        return false;
    return sodium_memcmp(want, digest, dlen) == 0;
}

bool db_nvd_meta_parse(const char *text, size_t n, struct db_nvd_meta *m)
{
    memset(m, 0, sizeof *m);
    m->size = m->gz_size = -1;
    bool have_sum = false;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && text[e] != '\n')
            e++;
        size_t len = e - i;
        if (len && text[i + len - 1] == '\r')
            len--;
        const char *l = text + i;
        if (len == 7 + 64 && strncasecmp(l, "sha256:", 7) == 0)
            have_sum = from_hex(l + 7, 64, m->sha256);
        else if (len > 5 && len < 25 && strncmp(l, "size:", 5) == 0)
            m->size = strtoll(l + 5, NULL, 10);
        else if (len > 7 && len < 27 && strncmp(l, "gzSize:", 7) == 0)
            m->gz_size = strtoll(l + 7, NULL, 10);
        i = e + 1;
    }
    return have_sum;
}

medsec_err db_gunzip_sha256(const void *gz, size_t n, size_t max, unsigned char out[32],
                            uint64_t *size)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return MEDSEC_ENOMEM;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[64 * 1024];
    z.next_in = (unsigned char *)(uintptr_t)gz;
    z.avail_in = (uInt)(n > UINT_MAX ? UINT_MAX : n);
    size_t left = n - z.avail_in;
    *size = 0;
    medsec_err rc = MEDSEC_OK;
    int zr;
    do {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END) {
            rc = MEDSEC_EPARSE;
            break;
        }
        size_t got = sizeof buf - z.avail_out;
        *size += got;
        if (*size > max) {
            rc = MEDSEC_ETOOBIG;
            break;
        }
        crypto_hash_sha256_update(&st, buf, got);
        if (z.avail_in == 0 && left) {
            z.avail_in = (uInt)(left > UINT_MAX ? UINT_MAX : left);
            left -= z.avail_in;
        }
        if (zr == Z_OK && z.avail_in == 0 && got == 0) {
            rc = MEDSEC_EPARSE; /* truncated */
            break;
        }
    } while (zr != Z_STREAM_END);
    inflateEnd(&z);
    crypto_hash_sha256_final(&st, out);
    return rc;
}

/* ---- OpenPGP (GPGME) ---- */

struct db_pgp {
    gpgme_ctx_t ctx;
    char home[4200];
    char fprs[8][41]; /* the fingerprints the provider lists, upper-case hex */
    size_t nfprs;
};

/* Remove the keyring folder @dir: its files and its one level of sub-folders (what gpg writes). */
static void remove_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[4600];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0)
            remove_tree(p, depth - 1);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

medsec_err db_pgp_new(const char *folder, struct db_pgp **out, char *why, size_t whylen)
{
    *out = NULL;
    gpgme_check_version(NULL);
    if (gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) != GPG_ERR_NO_ERROR) {
        snprintf(why, whylen, "no OpenPGP engine (install gpg, Debian package gnupg)");
        return MEDSEC_EUNSUPPORTED;
    }
    struct db_pgp *p = medsec_calloc(1, sizeof *p);
    if (!p)
        return MEDSEC_ENOMEM;
    snprintf(p->home, sizeof p->home, "%s/gnupg-XXXXXX", folder);
    if (!mkdtemp(p->home)) {
        snprintf(why, whylen, "cannot make a keyring folder in %s", folder);
        medsec_free(p);
        return MEDSEC_EIO;
    }
    if (gpgme_new(&p->ctx) != GPG_ERR_NO_ERROR ||
        gpgme_ctx_set_engine_info(p->ctx, GPGME_PROTOCOL_OpenPGP, NULL, p->home) !=
            GPG_ERR_NO_ERROR) {
        snprintf(why, whylen, "cannot start GPGME");
        db_pgp_free(p);
        return MEDSEC_EUNSUPPORTED;
    }
    gpgme_set_protocol(p->ctx, GPGME_PROTOCOL_OpenPGP);
    *out = p;
    return MEDSEC_OK;
}

void db_pgp_free(struct db_pgp *p)
{
    if (!p)
        return;
    if (p->ctx)
        gpgme_release(p->ctx);
    if (p->home[0])
        remove_tree(p->home, 2);
    medsec_free(p);
}

bool db_pgp_add_key(struct db_pgp *p, const char *fingerprint, const void *key, size_t n)
{
    char f[41];
    size_t k = 0;
    for (const char *s = fingerprint; *s && k < 41; s++) {
        if (*s == ' ')
            continue;
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
            return false;
        f[k++] = (char)(*s >= 'a' && *s <= 'f' ? *s - 'a' + 'A' : *s);
    }
    if (k != 40 || p->nfprs == sizeof p->fprs / sizeof p->fprs[0])
        return false;
    gpgme_data_t d = NULL;
    if (gpgme_data_new_from_mem(&d, key, n, 0) != GPG_ERR_NO_ERROR)
        return false;
    gpgme_error_t e = gpgme_op_import(p->ctx, d);
    gpgme_data_release(d);
    gpgme_import_result_t r = e == GPG_ERR_NO_ERROR ? gpgme_op_import_result(p->ctx) : NULL;
    if (!r || r->considered == 0 || r->not_imported == r->considered)
        return false;
    memcpy(p->fprs[p->nfprs], f, 40);
    p->fprs[p->nfprs++][40] = '\0';
    return true;
}

size_t db_pgp_keys(const struct db_pgp *p)
{
    return p ? p->nfprs : 0;
}

/* Is the primary key of the key that made signature @fpr one of the provider's? */
static bool pinned(struct db_pgp *p, const char *fpr)
{
    gpgme_key_t key = NULL;
    if (!fpr || gpgme_get_key(p->ctx, fpr, &key, 0) != GPG_ERR_NO_ERROR || !key)
        return false;
    bool ok = false;
    for (size_t i = 0; !ok && key->fpr && i < p->nfprs; i++)
        ok = strcasecmp(key->fpr, p->fprs[i]) == 0;
    gpgme_key_unref(key);
    return ok;
}

enum db_pgp_result db_pgp_verify(struct db_pgp *p, const void *data, size_t n, const void *sig,
                                 size_t sn, char signer[41])
{
    signer[0] = '\0';
    gpgme_data_t dd = NULL, sd = NULL;
    enum db_pgp_result res = DB_PGP_BAD;
    if (gpgme_data_new_from_mem(&dd, data, n, 0) != GPG_ERR_NO_ERROR ||
        gpgme_data_new_from_mem(&sd, sig, sn, 0) != GPG_ERR_NO_ERROR) {
        res = DB_PGP_ERROR;
        goto out_release;
    }
    gpgme_error_t e = gpgme_op_verify(p->ctx, sd, dd, NULL);
    gpgme_verify_result_t vr = gpgme_op_verify_result(p->ctx);
    if (e != GPG_ERR_NO_ERROR || !vr)
        goto out_release; /* not a signature at all */
    /* every signature must be good, and one by a key the provider lists */
    bool any = false;
    for (gpgme_signature_t s = vr->signatures; s; s = s->next) {
        if (gpgme_err_code(s->status) != GPG_ERR_NO_ERROR) {
            any = false;
            break;
        }
        if (!any && pinned(p, s->fpr)) {
            any = true;
            snprintf(signer, 41, "%.40s", s->fpr);
        }
    }
    res = any ? DB_PGP_GOOD : DB_PGP_BAD;
out_release:
    gpgme_data_release(dd);
    gpgme_data_release(sd);
    return res;
}
