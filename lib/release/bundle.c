/* bundle.c: a release bundle, the SUIT envelope of docs/suit.md (draft-ietf-suit-manifest-34 and
 * our private members): the manifest with vendor / class conditions, the sequence number, the
 * image's digest and size and our release metadata (-257); the authentication wrapper with the
 * manifest's SHA-256 and one COSE_Sign1 per signer; certificates (-258), a revocation list (-259)
 * and, when integrated, the image under "#image0". The image is read in chunks twice (hash, then
 * copy), so memory does not grow with it; the file is written under a temporary name, then renamed.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "medsec/release.h"
#include "msa_config.h"

#define CHUNK ((size_t)1 << 16)
#define INTEGRATED_URI "#image0"

static medsec_err oom(struct medsec_error *err)
{
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Read @fd to its end in chunks into @md (and to @out when >= 0); *size = bytes read. */
static medsec_err pump(int fd, const char *path, EVP_MD_CTX *md, int out, const char *outpath,
                       uint64_t *size, struct medsec_error *err)
{
    unsigned char *buf = medsec_malloc(CHUNK);
    medsec_err rc =
        buf ? MEDSEC_OK : medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    *size = 0;
    while (!rc) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (!EVP_DigestUpdate(md, buf, (size_t)n)) {
            rc = medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "SHA-256 failed");
            break;
        }
        for (ssize_t done = 0; out >= 0 && done < n && !rc;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                rc = medsec_error_set(err, MEDSEC_EIO, outpath, 0, 0, "cannot write: %s",
                                      strerror(errno));
            else
                done += w;
        }
        *size += (uint64_t)n;
    }
    medsec_free(buf);
    return rc;
}

/* SHA-256 of the file @path (copied to @out when >= 0). */
static medsec_err hash_file(const char *path, int out, const char *outpath, unsigned char dig[32],
                            uint64_t *size, struct medsec_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "not a regular file");
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int len = 0;
    medsec_err rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL)
                        ? pump(fd, path, md, out, outpath, size, err)
                        : medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "SHA-256 failed");
    if (!rc && !EVP_DigestFinal_ex(md, dig, &len))
        rc = medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "SHA-256 failed");
    EVP_MD_CTX_free(md);
    close(fd);
    return rc;
}

medsec_err medsec_release_file_sha256(const char *path, unsigned char out[32], uint64_t *size,
                                      struct medsec_error *err)
{
    uint64_t n = 0;
    medsec_err rc = hash_file(path, -1, NULL, out, &n, err);
    if (size)
        *size = n;
    return rc;
}

static bool sha256(const void *p, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) && len == 32;
}

/* SUIT_Digest [-16, h32] into @b. */
static bool digest_item(struct medsec_buf *b, const unsigned char d[32])
{
    return !medsec_cbor_array(b, 2) && !medsec_cbor_int(b, -16) && !medsec_cbor_bstr(b, d, 32);
}

/* @inner as a bstr .cbor member into @b, then @inner emptied for the next one. */
static bool wrap(struct medsec_buf *b, struct medsec_buf *inner)
{
    bool ok = !medsec_cbor_bstr(b, inner->data, inner->len);
    medsec_buf_reset(inner);
    return ok;
}

/* The manifest (docs/suit.md, "What we write") into @m. */
static bool manifest(const struct medsec_release_bundle *rb, const unsigned char img[32],
                     uint64_t img_size, struct medsec_buf *m)
{
    struct medsec_buf t = MEDSEC_BUF_INIT, u = MEDSEC_BUF_INIT;
    const char *uri = rb->uri ? rb->uri : INTEGRATED_URI;
    size_t nmeta =
        !!rb->version + !!rb->has_sbom_digest + !!rb->sbom_name + !!rb->notes_uri + !!rb->model;
    bool ok = !medsec_cbor_map(m, 6 + (nmeta > 0)) && !medsec_cbor_uint(m, 1) &&
              !medsec_cbor_uint(m, 1) && !medsec_cbor_uint(m, 2) &&
              !medsec_cbor_uint(m, rb->sequence);
    /* 3: common {2: components [[h'00']], 4: shared sequence} */
    ok = ok && !medsec_cbor_array(&u, 6) && !medsec_cbor_uint(&u, 20) && !medsec_cbor_map(&u, 4) &&
         !medsec_cbor_uint(&u, 1) && !medsec_cbor_bstr(&u, rb->vendor_id, 16) &&
         !medsec_cbor_uint(&u, 2) && !medsec_cbor_bstr(&u, rb->class_id, 16) &&
         !medsec_cbor_uint(&u, 3);
    {
        struct medsec_buf d = MEDSEC_BUF_INIT;
        ok = ok && digest_item(&d, img) && wrap(&u, &d);
        medsec_buf_release(&d);
    }
    ok = ok && !medsec_cbor_uint(&u, 14) && !medsec_cbor_uint(&u, img_size) &&
         !medsec_cbor_uint(&u, 1) && !medsec_cbor_uint(&u, 15) && !medsec_cbor_uint(&u, 2) &&
         !medsec_cbor_uint(&u, 15);
    ok = ok && !medsec_cbor_map(&t, 2) && !medsec_cbor_uint(&t, 2) && !medsec_cbor_array(&t, 1) &&
         !medsec_cbor_array(&t, 1) && !medsec_cbor_bstr(&t, "", 1) && !medsec_cbor_uint(&t, 4) &&
         wrap(&t, &u);
    ok = ok && !medsec_cbor_uint(m, 3) && wrap(m, &t);
    /* 7: validate [condition-image-match, 15] */
    ok = ok && !medsec_cbor_array(&t, 2) && !medsec_cbor_uint(&t, 3) && !medsec_cbor_uint(&t, 15) &&
         !medsec_cbor_uint(m, 7) && wrap(m, &t);
    /* 9: invoke [directive-invoke, 2] */
    ok = ok && !medsec_cbor_array(&t, 2) && !medsec_cbor_uint(&t, 23) && !medsec_cbor_uint(&t, 2) &&
         !medsec_cbor_uint(m, 9) && wrap(m, &t);
    /* 20: install [override {21: uri}, fetch 2, image-match 15] */
    ok = ok && !medsec_cbor_array(&t, 6) && !medsec_cbor_uint(&t, 20) && !medsec_cbor_map(&t, 1) &&
         !medsec_cbor_uint(&t, 21) && !medsec_cbor_tstr(&t, uri) && !medsec_cbor_uint(&t, 21) &&
         !medsec_cbor_uint(&t, 2) && !medsec_cbor_uint(&t, 3) && !medsec_cbor_uint(&t, 15) &&
         !medsec_cbor_uint(m, 20) && wrap(m, &t);
    /* -257: our release metadata (docs/suit.md, "Private members") */
    if (ok && nmeta) {
        ok = !medsec_cbor_int(m, -257) && !medsec_cbor_map(m, nmeta);
        if (ok && rb->version)
            ok = !medsec_cbor_uint(m, 1) && !medsec_cbor_tstr(m, rb->version);
        if (ok && rb->has_sbom_digest)
            ok = !medsec_cbor_uint(m, 2) && digest_item(m, rb->sbom_digest);
        if (ok && rb->sbom_name)
            ok = !medsec_cbor_uint(m, 3) && !medsec_cbor_tstr(m, rb->sbom_name);
        if (ok && rb->notes_uri)
            ok = !medsec_cbor_uint(m, 4) && !medsec_cbor_tstr(m, rb->notes_uri);
        if (ok && rb->model)
            ok = !medsec_cbor_uint(m, 5) && !medsec_cbor_tstr(m, rb->model);
    }
    medsec_buf_release(&t);
    medsec_buf_release(&u);
    return ok;
}

/* The envelope up to, not including, the integrated image's bytes. */
static medsec_err envelope_head(const struct medsec_release_bundle *rb, const unsigned char img[32],
                                uint64_t img_size, struct medsec_buf *env,
                                struct medsec_release_bundle_info *info, struct medsec_error *err)
{
    struct medsec_buf m = MEDSEC_BUF_INIT, mb = MEDSEC_BUF_INIT, d = MEDSEC_BUF_INIT,
                      aw = MEDSEC_BUF_INIT, s = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    /* the digest covers the manifest as the envelope holds it: the bstr, head included (as in
     * draft-ietf-suit-manifest's examples) */
    if (!manifest(rb, img, img_size, &m) || !wrap(&mb, &m) ||
        !sha256(mb.data, mb.len, info->manifest_digest) ||
        !digest_item(&d, info->manifest_digest)) {
        rc = oom(err);
        goto out_release;
    }
    /* 2: [digest bstr, signature bstr...] */
    if (medsec_cbor_array(&aw, 1 + rb->nkeys) || medsec_cbor_bstr(&aw, d.data, d.len)) {
        rc = oom(err);
        goto out_release;
    }
    for (size_t i = 0; i < rb->nkeys; i++) {
        if ((rc = medsec_release_sign1(rb->keys[i], d.data, d.len, true, true, &s, err)))
            goto out_release;
        if (!wrap(&aw, &s)) {
            rc = oom(err);
            goto out_release;
        }
    }
    size_t members = 2 + (rb->ncerts > 0) + (rb->revocation_len > 0) + !rb->uri;
    bool ok = !medsec_cbor_tag(env, 107) && !medsec_cbor_map(env, members) &&
              !medsec_cbor_uint(env, 2) && wrap(env, &aw) && !medsec_cbor_uint(env, 3) &&
              !medsec_buf_add(env, mb.data, mb.len);
    if (ok && rb->ncerts) {
        ok = !medsec_cbor_int(env, -258) && !medsec_cbor_array(env, rb->ncerts);
        for (size_t i = 0; ok && i < rb->ncerts; i++)
            ok = !medsec_cbor_bstr(env, rb->certs[i].data, rb->certs[i].len);
    }
    if (ok && rb->revocation_len)
        ok = !medsec_cbor_int(env, -259) &&
             !medsec_cbor_bstr(env, rb->revocation, rb->revocation_len);
    if (ok && !rb->uri)
        ok = !medsec_cbor_tstr(env, INTEGRATED_URI) && !medsec_cbor_bstr_head(env, img_size);
    if (!ok)
        rc = oom(err);
out_release:
    medsec_buf_release(&m);
    medsec_buf_release(&mb);
    medsec_buf_release(&d);
    medsec_buf_release(&aw);
    medsec_buf_release(&s);
    return rc;
}

static medsec_err write_all(int fd, const char *path, const void *p, size_t n,
                            struct medsec_error *err)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot write: %s",
                                    strerror(errno));
        c += w;
        n -= (size_t)w;
    }
    return MEDSEC_OK;
}

medsec_err medsec_release_bundle_write(const struct medsec_release_bundle *rb, const char *path,
                                       struct medsec_release_bundle_info *info,
                                       struct medsec_error *err)
{
    struct medsec_buf env = MEDSEC_BUF_INIT, tmp = MEDSEC_BUF_INIT;
    memset(info, 0, sizeof *info);
    if (!rb->nkeys)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "a bundle needs a signer");
    if (rb->uri && (!*rb->uri || rb->uri[0] == '#'))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "a detached payload's URI may be neither empty nor start with '#'");
    medsec_err rc =
        medsec_release_file_sha256(rb->image_path, info->image_digest, &info->image_size, err);
    if (!rc)
        rc = envelope_head(rb, info->image_digest, info->image_size, &env, info, err);
    if (rc)
        goto out_release;
    /* the agent's streaming verifier buffers every byte before the payload's content */
    size_t max = rb->members_max ? rb->members_max : MSA_MANIFEST_MAX;
    if (env.len >= max) {
        rc = medsec_error_set(
            err, MEDSEC_ETOOBIG, path, 0, 0,
            "the envelope before its payload takes %zu bytes; a device buffers "
            "fewer than %zu (MSA_MANIFEST_MAX of msa_config.h): carry fewer "
            "signatures, certificates or revoked keys, or raise the devices' bound",
            env.len, max);
        goto out_release;
    }
    if (medsec_buf_addf(&tmp, "%s.tmp-XXXXXX", path)) {
        rc = oom(err);
        goto out_release;
    }
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot create a file beside it: %s",
                              strerror(errno));
        goto out_release;
    }
    rc = write_all(fd, path, env.data, env.len, err);
    if (!rc && !rb->uri) {
        /* copy the image, hashing it again: it must not have changed since it was signed */
        unsigned char again[32];
        uint64_t n = 0;
        rc = hash_file(rb->image_path, fd, path, again, &n, err);
        if (!rc && (n != info->image_size || memcmp(again, info->image_digest, 32)))
            rc = medsec_error_set(err, MEDSEC_EIO, rb->image_path, 0, 0,
                                  "the image changed while the bundle was written");
    }
    if (!rc && (fchmod(fd, 0644) || fsync(fd)))
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (close(fd) && !rc)
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (!rc && rename(tmp.data, path))
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot rename the new file: %s",
                              strerror(errno));
    if (rc)
        unlink(tmp.data);
    else
        info->bundle_size = env.len + (rb->uri ? 0 : info->image_size);
out_release:
    medsec_buf_release(&env);
    medsec_buf_release(&tmp);
    return rc;
}
