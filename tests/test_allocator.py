"""The process-wide malloc set-up (tasks/memory.py): few heaps, whatever the threads."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Eight threads allocate and hold memory at once, then glibc's malloc_info lists the heaps.
_PROBE = r"""
import ctypes, ctypes.util, os, re, tempfile, threading
import tasks  # the set-up happens on the package's import
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
hold, ready, go = [], threading.Barrier(9), threading.Event()
def work():
    hold.append([bytearray(4096) for _ in range(200)])
    ready.wait(); go.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
ready.wait()
fd, path = tempfile.mkstemp(); os.close(fd)
f = ctypes.c_void_p(libc.fopen(path.encode(), b"w")); libc.malloc_info(0, f); libc.fclose(f)
go.set()
for t in threads: t.join()
print(len(re.findall(r'<heap nr="', open(path).read())))
os.remove(path)
"""


def _heaps(env: dict) -> int:
    from tasks.memory import _libc

    if _libc() is None:
        pytest.skip("glibc only")
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def test_threads_share_at_most_two_heaps():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _heaps(env) <= 2


def test_a_malloc_arena_max_the_user_set_wins():
    env = {**os.environ, "MALLOC_ARENA_MAX": "6"}
    assert _heaps(env) > 2
