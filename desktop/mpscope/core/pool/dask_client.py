"""Reaching a Dask cluster: connect to a scheduler or start an embedded one, and close it again.

`distributed` is imported only here and in the worker-side module, so the
core works without the optional extra (`pip install "mpscope[dask]"`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mpscope.core.config.model import DASK_EXTRA
from mpscope.core.pool.child_tracker import describe
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig

DEFAULT_PORT = 8786  # Dask's scheduler port
PROBE_TIMEOUT = 5.0  # seconds `mpscope run` and `check` wait for a scheduler to answer
LOCAL_CONNECT_TIMEOUT = "3s"  # distributed.comm.timeouts.connect with mpscope's own cluster


class ClusterError(Exception):
    """The cluster cannot be used: one line saying why."""


def task_spec(task: str) -> str:
    """The task as "module:function", which workers import (built-in names are resolved here)."""
    if ":" in task:
        return task.strip()
    from mpscope.core import tasks

    try:
        fn = tasks.resolve(task)
    except Exception as exc:  # the config check normally caught it already
        raise ClusterError(describe(exc)) from exc
    return f"{fn.__module__}:{fn.__qualname__}"


def connect(config: PoolConfig, timeout: float,
            memory_limit: int | None = None) -> tuple[Any, Any]:
    """(client, cluster): the client of `config.scheduler`, or of a new LocalCluster (cluster).

    `memory_limit` (bytes) is each worker's limit on a LocalCluster; None leaves
    Dask's "auto" (the machine's memory shared among the workers).
    """
    try:
        import dask
        import distributed
    except ImportError as exc:
        raise ClusterError(f'the "dask" backend needs Dask distributed: {DASK_EXTRA}') from exc
    from mpscope.core.pool.dask_backend import ALLOWED_FAILURES

    if config.scheduler:
        try:
            client = distributed.Client(config.scheduler, timeout=timeout,
                                        set_as_default=False)
        except Exception as exc:  # OSError, TimeoutError, a bad address…
            raise ClusterError(unreachable(config.scheduler, timeout, describe(exc))) from exc
        return client, None
    cluster = None
    # On this machine a dead worker's port refuses at once; Dask would retry for 30 s (the
    # default) to fetch a result it held. Set for the process: its scheduler lives here.
    dask.config.set({"distributed.comm.timeouts.connect": LOCAL_CONNECT_TIMEOUT})
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            cluster = distributed.LocalCluster(
                n_workers=config.processes, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
                # No dashboard; the scheduler's health page on a free loopback port, not 8787.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.CRITICAL,  # mpscope reports losses and failures itself
                memory_limit="auto" if memory_limit is None else memory_limit,
            )
        client = distributed.Client(cluster, set_as_default=False, timeout=timeout)
    except Exception as exc:  # out of processes, ports…
        close(None, cluster, timeout)
        raise ClusterError(Text("could not start a local Dask cluster: {error}",
                                error=describe(exc))) from exc
    return client, cluster


def close(client: Any, cluster: Any, timeout: float) -> None:
    """Stop listening, leave a shared cluster as found, close the client and our own cluster."""
    from mpscope.core.pool.dask_plugin import PLUGIN_NAME, TOPIC

    if client is not None:
        for topic in (TOPIC, "all"):  # before closing: the scheduler must not write to us after
            with contextlib.suppress(Exception):
                client.unsubscribe_topic(topic)
        if cluster is None:
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(PLUGIN_NAME)
        with contextlib.suppress(Exception):
            client.close(timeout=timeout)
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close(timeout=timeout)


def unreachable(address: str, timeout: float, why: str) -> str:
    """The one line for a scheduler that does not answer."""
    return Text("cannot reach the Dask scheduler at {address} within {seconds:g} s: {error}",
                address=address, seconds=timeout, error=why)


def probe(address: str, timeout: float) -> str | None:
    """None if something accepts connections at the scheduler's address; else one line why not.

    A plain TCP connection, without importing Dask: `mpscope run` and `check`
    answer in at most `timeout` seconds and start nothing.
    """
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORT
    except ValueError as exc:  # a port that is not a number
        return unreachable(address, timeout, str(exc))
    if not host:
        return unreachable(address, timeout, "no host in the address")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return unreachable(address, timeout, exc.strerror or type(exc).__name__)
