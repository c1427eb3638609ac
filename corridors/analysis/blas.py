"""Small dense problems on one BLAS thread.

The solvers here (L-BFGS-B on a dozen queue waits, least squares on a few time parameters)
call BLAS on vectors and matrices of a few dozen numbers. OpenBLAS still wakes its threads
for them, and on a machine whose cores are busy those threads spin: the equilibrium of the
default network took 2.97 s of CPU with OpenBLAS's threads and 2.17 s on one.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits

__all__ = ["one_blas_thread"]


def one_blas_thread() -> threadpool_limits:
    """A context in which BLAS runs on one thread (restored on leaving it).

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     float(np.ones(3) @ np.ones(3))
    3.0
    """
    return threadpool_limits(limits=1, user_api="blas")
