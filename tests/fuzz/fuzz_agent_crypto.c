/* fuzz_agent_crypto.c: libFuzzer harness holding the agent's own crypto (agent/crypto) to
 * libsodium. The input's first byte picks a mode:
 *   0  the rest is hashed in chunks whose sizes come from the input: SHA-256 and SHA-512 must
 *      equal libsodium's;
 *   1  the rest is a signature (64), a public key (32) and a message, verified raw;
 *   2  the next 32 bytes seed a key pair, the rest is a message; libsodium and the agent sign it
 *      (the signatures and public keys must be equal), then the signature or key is changed at
 *      input-chosen places;
 * and in modes 1 and 2 the agent's Ed25519 verification and libsodium's must agree. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "msa_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void agree(const unsigned char *sig, const unsigned char *msg, size_t n,
                  const unsigned char *pk)
{
    int ours = msa_ed25519_verify(sig, msg, n, pk) == 0;
    int theirs = crypto_sign_verify_detached(sig, msg, n, pk) == 0;
    if (ours != theirs)
        abort();
}

static void hashes(const uint8_t *data, size_t size)
{
    struct msa_sha256_state s256;
    struct msa_sha512_state s512;
    unsigned char a[64], b[64];
    size_t off = 0, step = size > 0 ? (size_t)data[0] % 131 + 1 : 1;

    msa_sha256_init(&s256);
    msa_sha512_init(&s512);
    while (off < size) {
        size_t take = size - off < step ? size - off : step;
        msa_sha256_update(&s256, data + off, take);
        msa_sha512_update(&s512, data + off, take);
        off += take;
        step = (size_t)data[off - 1] % 131 + 1;
    }
    msa_sha256_final(&s256, a);
    crypto_hash_sha256(b, data, size);
    if (memcmp(a, b, 32) != 0)
        abort();
    msa_sha512_final(&s512, a);
    crypto_hash_sha512(b, data, size);
    if (memcmp(a, b, 64) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    unsigned char pk[32], sk[64], sig[64], mine[64], mine_pk[32];
    size_t i;

    if (!ready) {
        if (sodium_init() < 0)
            abort();
        ready = 1;
    }
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: hashes(data + 1, size - 1); break;
    case 1:
        if (size < 1 + 96)
            return 0;
        agree(data + 1, data + 97, size - 97, data + 65);
        break;
    default:
        if (size < 1 + 32 + 4)
            return 0;
        crypto_sign_seed_keypair(pk, sk, data + 1);
        crypto_sign_detached(sig, NULL, data + 33, size - 33, sk);
        /* the agent's signature and public key are libsodium's, byte for byte */
        msa_ed25519_sign(mine, data + 33, size - 33, data + 1);
        msa_ed25519_public(mine_pk, data + 1);
        if (memcmp(mine, sig, 64) != 0 || memcmp(mine_pk, pk, 32) != 0)
            abort();
        agree(sig, data + 33, size - 33, pk);
        /* up to four changes: byte position (sig then key) and xor mask from the message */
        for (i = 0; i + 1 < 8 && 33 + i + 1 < size; i += 2) {
            unsigned pos = data[33 + i] % 96, mask = data[33 + i + 1];
            if (mask == 0)
                continue;
            if (pos < 64)
                sig[pos] ^= (unsigned char)mask;
            else
                pk[pos - 64] ^= (unsigned char)mask;
            agree(sig, data + 33, size - 33, pk);
        }
        break;
    }
    return 0;
}
