#!/bin/sh
# deps.sh: install the Debian 12 packages medsec needs (by name, with apt-get), only those missing;
# runs `apt-get update` once when something is.
#   sh scripts/deps.sh          what building and running medsec needs (the main job, scripts/demo.sh)
#   sh scripts/deps.sh --test   that, plus the test tools and the outside judges (scripts/test.sh)
set -eu
# Building and running: libgpgme-dev and gnupg because `db update` checks CSAF OpenPGP signatures with
# GPGME, whose engine is gpg; libsodium for the VEX signatures; Graphviz for the diagrams; expat
# for the NVD CPE dictionary; OpenSSL for ES256 (P-256) signatures of update bundles; libmicrohttpd
# and libpq for the post-market server (`medsec serve`, SQLite or PostgreSQL).
PACKAGES="
build-essential cmake ninja-build pkg-config
libfyaml-dev libsqlite3-dev libcurl4-openssl-dev libzip-dev zlib1g-dev libexpat1-dev
libgraphviz-dev graphviz libsodium-dev libgpgme-dev gnupg
libxlsxwriter-dev libssl-dev
libmicrohttpd-dev libpq-dev
"
TEST=0
[ "${1:-}" = "--test" ] && TEST=1
if [ $TEST = 1 ]; then
    # Tests only: cmocka, the sanitizer and fuzz toolchain, the formatter, openssl for a TLS mirror's
    # certificate, GNU time for the benchmarks, and the ecosystems' own comparators and validators;
    # headless Chromium with its driver and selenium to render the `medsec docs` site (also what
    # `medsec docs --pdf` prints with); python3-cbor2 to decode update bundles, and the Arm bare-metal
    # toolchain with QEMU to build and run the device agent on an emulated Cortex-M board; PostgreSQL 15's
    # server binaries for the throw-away clusters of the server's tests, and wrk for its load benchmark.
    PACKAGES="$PACKAGES
git clang-14 libclang-rt-14-dev clang-format-14 libcmocka-dev openssl time
python3 python3-jsonschema python3-packaging python3-rpm python3-yaml
python3-openpyxl
python3-apt php-cli php-composer-semver pacman-package-manager
chromium chromium-driver python3-selenium fonts-dejavu-core
maven default-jdk-headless golang-go golang-golang-x-mod-dev ruby
python3-cbor2 gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
python3-cryptography
postgresql-15 wrk
"
    # Node.js and npm: a machine may already carry them from another source (whose nodejs
    # conflicts with Debian's npm package); install Debian's only when the commands are absent.
    command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
    command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
fi
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "deps: installing:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Test part: the npm packages the outside judges load (tests/judges/npm-packages.txt, e.g. BSI's CSAF
# validator), all at once into tests/judges/node_modules; the tests install them on first use too.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $TEST = 1 ] && command -v npm >/dev/null 2>&1 && [ ! -d "$root/tests/judges/node_modules/@secvisogram/csaf-validator-lib" ]; then
    pkgs=$(grep -v '^#' "$root/tests/judges/npm-packages.txt" | tr '\n' ' ')
    echo "deps: npm judges: $pkgs"
    # shellcheck disable=SC2086
    npm install --no-save --no-audit --no-fund --prefix "$root/tests/judges" $pkgs >/dev/null
fi
