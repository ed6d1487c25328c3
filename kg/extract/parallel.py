"""Extraction on a Dask cluster: documents go to the workers in batches, extracts come back in input order.

Each worker process runs :func:`kg.extract.pipeline.extract_documents` on the batches it is given; the spaCy
pipeline, the codebook and the stance model are loaded once per worker process (they are cached by the
loaders, never pickled across) on its first batch. Extracts travel back as their canonical JSON text
(``kg.extracts.dumps``) and are read back into records here, so they are byte for byte what a single process
makes. Dask is an optional extra: ``pip install 'kg[distributed]'``.

The workers need ``kg`` and the spaCy pipeline installed, and a ``--codebook`` file at the same path (a
shared file system); a worker that dies has its batch retried on another by Dask; a batch that keeps killing
workers stops the run before anything is written.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from kg.errors import ClusterError, ConfigError
from kg.records import Document, Extract

#: Documents per batch sent to a worker; more characters than this close a batch early.
BATCH_DOCUMENTS = 8
BATCH_CHARS = 200_000
#: Seconds to wait for the scheduler before giving up.
CONNECT_TIMEOUT = 10


def batches(documents: Sequence[Document], size: int = BATCH_DOCUMENTS,
            chars: int = BATCH_CHARS) -> list[list[Document]]:
    """Consecutive batches of at most ``size`` documents and about ``chars`` characters (a longer document is a
    batch of its own), in input order."""
    out: list[list[Document]] = []
    current: list[Document] = []
    n = 0
    for d in documents:
        if current and (len(current) >= size or n + len(d.text) > chars):
            out.append(current)
            current, n = [], 0
        current.append(d)
        n += len(d.text)
    if current:
        out.append(current)
    return out


def extract_batch(documents: list[Document], model: str | None, codebook: str | None,
                  stance: str | None) -> list[str]:
    """Run on a worker: the canonical JSON text of each document's extract."""
    from kg import extracts as extracts_io
    from kg.extract.pipeline import extract_documents

    return [extracts_io.dumps(ex) for ex in extract_documents(documents, model=model, codebook=codebook,
                                                              stance=stance)]


def _client(address: str):
    try:
        from dask.distributed import Client
    except ImportError:
        raise ConfigError(f"--scheduler {address}: Dask is not installed; pip install 'kg[distributed]' "
                          "(dask and distributed)") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        why = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise ClusterError(f"--scheduler {address}: cannot reach the Dask scheduler ({why}); start one with "
                           "`dask scheduler` and workers with `dask worker ADDRESS`") from None


#: ``--scheduler local``: a Dask cluster of ``--workers`` processes on this machine, for this run only.
LOCAL = "local"


def extract_on_cluster(documents: Sequence[Document], scheduler: str, *, model: str | None = None,
                       codebook: str | None = None, stance: str | None = None,
                       batch_size: int = BATCH_DOCUMENTS, workers: int = 2) -> Iterator[Extract]:
    """The extracts of ``documents``, in input order, made by the workers of the Dask scheduler at
    ``scheduler`` (an address such as ``tcp://host:8786``), or with ``scheduler="local"`` by a local cluster
    of ``workers`` processes started for the run. Raises ``ClusterError`` if the scheduler cannot be reached
    or a batch fails."""
    if scheduler == LOCAL:
        try:
            from dask.distributed import LocalCluster
        except ImportError:
            raise ConfigError("--scheduler local: Dask is not installed; pip install 'kg[distributed]' "
                              "(dask and distributed)") from None
        with LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                          dashboard_address=None, host="127.0.0.1") as cluster:
            yield from _on_cluster(documents, cluster.scheduler_address, scheduler, model, codebook, stance,
                                   batch_size)
    else:
        yield from _on_cluster(documents, scheduler, scheduler, model, codebook, stance, batch_size)


def _on_cluster(documents: Sequence[Document], address: str, scheduler: str, model: str | None,
                codebook: str | None, stance: str | None, batch_size: int) -> Iterator[Extract]:
    import json

    client = _client(address)
    try:
        if not client.scheduler_info().get("workers"):
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except TimeoutError:
                raise ClusterError(f"--scheduler {scheduler}: the scheduler has no workers; start some with "
                                   f"`dask worker {scheduler}`") from None
        groups = batches(documents, batch_size)
        futures = [client.submit(extract_batch, group, model, codebook, stance, pure=False,
                                 key=f"kg-extract-{k}-{group[0].id}") for k, group in enumerate(groups)]
        try:
            for group, future in zip(groups, futures):
                try:
                    texts = future.result()
                except (ConfigError, ClusterError):
                    raise
                except Exception as exc:  # a worker's exception, or KilledWorker after retries
                    why = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
                    raise ClusterError(f"--scheduler {scheduler}: the batch of {len(group)} document(s) from "
                                       f"{group[0].source} failed on the cluster ({exc.__class__.__name__}: "
                                       f"{why}); nothing was written") from None
                for text in texts:
                    yield Extract.from_dict(json.loads(text))
        finally:
            for f in futures:
                f.cancel()
    finally:
        client.close()
