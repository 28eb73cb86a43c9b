"""What confines a query process: no network, bounded memory and CPU, death with its parent.

The endpoint's promises (no outbound connection from any query, every query under a
time and memory limit) are kept here by the operating system, not by reading the
query: whatever a query says, the process that evaluates it

- **has no network**: a seccomp filter (libseccomp, through ``pyseccomp``) makes every
  call that could reach a socket fail with ``EPERM`` (creating, connecting, binding,
  accepting, sending to an address), which works unprivileged; where the process may
  (as root, or with ``CAP_SYS_ADMIN``) it also moves into a network namespace of its
  own, which holds nothing but a loopback interface that is down. The process's pipe
  to its worker was opened before, so it keeps working;
- **cannot start programs**: ``execve`` fails the same way;
- **has an address-space limit** (``RLIMIT_AS``) of what it maps at start, which is
  shared with the worker, plus :data:`DEFAULT_MEMORY_BYTES`: an allocation past it
  fails, and the engine aborts;
- **has a CPU-time limit** per query (``RLIMIT_CPU``, set before each query by
  :func:`limit_cpu`), so it is killed by the kernel even if its worker never kills it;
- **dies with the thread that started it** (``PR_SET_PDEATHSIG``): when a worker dies
  or the server stops, its query processes get ``SIGKILL``.
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import resource
import signal

import pyseccomp

#: Memory a query process may allocate beyond what it shares with its worker.
DEFAULT_MEMORY_BYTES = 1 << 30

#: System calls that reach a network or another program: they fail with EPERM.
DENIED_SYSCALLS = (
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "sendto",
    "sendmsg",
    "sendmmsg",
    "execve",
    "execveat",
)

_PR_SET_PDEATHSIG = 1
_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def confine(memory_bytes: int = DEFAULT_MEMORY_BYTES, own_network: bool = True) -> None:
    """Confine the calling process (a freshly forked query process) for good.

    Raises OSError if the filter cannot be loaded, so that no query ever runs
    unconfined. The network namespace is taken where the process may (as root);
    ``own_network=False`` leaves it out (the tests show that the filter alone holds).
    """
    if _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "cannot set the parent-death signal")
    if own_network:
        _libc.unshare(_CLONE_NEWNET)  # fails without the privilege: the filter still holds
    _limit_address_space(memory_bytes)
    _deny_network_and_programs()


def limit_cpu(seconds: float) -> None:
    """Let the calling process use at most ``seconds`` more CPU time, then be killed
    (SIGXCPU, whose default action ends the process)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _limit_address_space(memory_bytes: int) -> None:
    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _deny_network_and_programs() -> None:
    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    rules.load()  # also sets no_new_privs, so the filter holds for good
