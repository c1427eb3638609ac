"""Small dense problems on one BLAS thread.

The solvers here (L-BFGS-B on a dozen queue waits, least squares on a few time parameters)
call BLAS on vectors and matrices of a few dozen numbers. OpenBLAS still wakes its threads
for them, and on a machine whose cores are busy those threads spin: the equilibrium of the
default network took 2.97 s of CPU with OpenBLAS's threads and 2.17 s on one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from threadpoolctl import threadpool_limits

__all__ = ["one_blas_thread"]

_inside = 0  # how many one_blas_thread contexts are open


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """A context in which BLAS runs on one thread (restored on leaving it). Inside another
    it does nothing: threadpoolctl reads the process's loaded libraries each time it limits
    them (about 1.5 ms), which a loop of small fits (the leave-one-out) would pay per fit.

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread(), one_blas_thread():
    ...     float(np.ones(3) @ np.ones(3))
    3.0
    """
    global _inside
    if _inside:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        _inside += 1
        try:
            yield
        finally:
            _inside -= 1
