"""alpm_judge.py: test-only judge: one "a<TAB>b" per line -> the sign of libalpm's alpm_pkg_vercmp(a, b), the
function pacman's `vercmp` prints (Debian's libalpm13, installed with pacman-package-manager)."""
import ctypes
import ctypes.util
import sys

lib = ctypes.CDLL(ctypes.util.find_library("alpm") or "libalpm.so.13")
lib.alpm_pkg_vercmp.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
lib.alpm_pkg_vercmp.restype = ctypes.c_int
out = []
for line in sys.stdin.buffer:
    a, b = line.rstrip(b"\n").split(b"\t")
    r = lib.alpm_pkg_vercmp(a, b)
    out.append(b"-1" if r < 0 else b"1" if r > 0 else b"0")
sys.stdout.buffer.write(b"".join(x + b"\n" for x in out))
