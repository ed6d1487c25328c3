"""Extraction on a Dask cluster (issue 17, item 1): a real local scheduler with two worker processes makes the
same extracts, byte for byte, as one process; an unreachable scheduler is one clear error. Skipped when Dask
is not installed (``pip install 'kg[distributed]'``)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import pipeline
from kg.cli import app
from kg.errors import ClusterError
from kg.extract.parallel import batches
from kg.records import Document

runner = CliRunner()

SHORT = ("Council plan\n\nAnn Lee, the chair of the residents' association, said the new policing plan is a good "
         "step for the town. Bob Ray said the plan is a mistake and should be dropped.\n")


def _doc(i: int, n: int) -> Document:
    return Document(id=f"d{i}", source=f"d{i}.txt", kind="article", text="x" * n)


@pytest.mark.parametrize("sizes, size, chars, expected", [
    ([1, 1, 1], 8, 100, [[0, 1, 2]]),  # all in one batch
    ([1, 1, 1], 2, 100, [[0, 1], [2]]),  # at most `size` documents
    ([60, 60, 10], 8, 100, [[0], [1, 2]]),  # about `chars` characters
    ([500, 1], 8, 100, [[0], [1]]),  # a long document is a batch of its own
    ([], 8, 100, []),
])
def test_batches_keep_the_input_order(sizes, size, chars, expected):
    docs = [_doc(i, n) for i, n in enumerate(sizes)]
    got = batches(docs, size, chars)
    assert [[int(d.id[1:]) for d in b] for b in got] == expected


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as lc:
        yield lc.scheduler_address


@pytest.fixture
def corpus(tmp_path, paths) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(paths.article, folder)
    shutil.copy(paths.thread, folder)
    for k in range(3):
        (folder / f"short{k}.txt").write_text(SHORT.replace("Bob Ray", f"Bob Ray {k}"), "utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory, paths):
    """The extracts of the corpus from one process (module scope: made once)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(paths.article, folder)
    shutil.copy(paths.thread, folder)
    for k in range(3):
        (folder / f"short{k}.txt").write_text(SHORT.replace("Bob Ray", f"Bob Ray {k}"), "utf-8")
    out = tmp_path_factory.mktemp("one")
    result = pipeline.extract_inputs([folder], out)
    return folder, out, result


@pytest.mark.parametrize("how", ["workers", "cluster", "local"])
def test_extracts_are_byte_identical_to_one_process(request, one_process, tmp_path, how):
    corpus, one_dir, one = one_process
    if how == "workers":  # spaCy's own processes (nlp.pipe n_process)
        two = pipeline.extract_inputs([corpus], tmp_path / how, workers=2)
    elif how == "cluster":  # a running scheduler with two worker processes
        two = pipeline.extract_inputs([corpus], tmp_path / how, scheduler=request.getfixturevalue("cluster"))
    else:  # --scheduler local --workers 2: a local cluster for the run
        pytest.importorskip("distributed")
        two = pipeline.extract_inputs([corpus], tmp_path / how, scheduler="local", workers=2)
    assert (one.parsed, two.parsed) == (5, 5)
    assert _files(tmp_path / how) == _files(one_dir)
    assert [e.document.id for e in two.extracts] == [e.document.id for e in one.extracts]


def test_cli_run_on_a_cluster(cluster, corpus, tmp_path):
    res = runner.invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "--no-store", "-q",
                              "--scheduler", cluster])
    assert res.exit_code == 0, res.output
    assert "- documents: 5" in res.stdout


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line(corpus, tmp_path):
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        pipeline.extract_inputs([corpus], tmp_path / "ex", scheduler=address)
    assert not list((tmp_path / "ex").glob("*.json"))
    res = runner.invoke(app, ["extract", str(corpus), "--out", str(tmp_path / "ex"), "-q", "--scheduler", address])
    assert res.exit_code == ClusterError.exit_code
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0] and "Traceback" not in res.output


def test_without_dask_the_scheduler_option_says_what_to_install(corpus, tmp_path):
    import importlib.util

    if importlib.util.find_spec("distributed") is not None:
        pytest.skip("Dask is installed here")
    res = runner.invoke(app, ["extract", str(corpus), "--out", str(tmp_path / "ex"), "-q",
                              "--scheduler", "tcp://127.0.0.1:8786"])
    assert res.exit_code == 2
    assert "pip install 'kg[distributed]'" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_failing_batch_stops_with_the_workers_error(cluster):
    from kg.errors import ConfigError
    from kg.extract.parallel import extract_on_cluster

    docs = [Document(id="a", source="a.txt", kind="article", text=SHORT)]
    # the worker cannot load the pipeline: its own error comes back, one line, naming the model
    with pytest.raises(ConfigError, match="kg_no_such_model"):
        list(extract_on_cluster(docs, cluster, model="kg_no_such_model"))
