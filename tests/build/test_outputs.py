"""The outputs folder's lock and staging folders, with real processes: one run at a time through an OS lock
that dies with its process, and a newcomer's recovery never touching a staging folder a live run owns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import EXAMPLE_TEXT, ROOT
from pipeline.build.outputs import BuildLocked, Lock, Staging, recover
from pipeline.cli.dossier import build_all

# a run caught in the middle: it holds the lock and owns a staging folder with a dossier moved aside in it
HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.build.outputs import Lock, Staging
    outputs = Path(sys.argv[1])
    with Lock(outputs) if sys.argv[2] == "lock" else open(__file__) as _:
        with Staging(outputs) as staging:
            (staging / "_old" / "xa-a__2024").mkdir(parents=True)
            (staging / "_old" / "xa-a__2024" / "dang-ghi.docx").write_text("của lần chạy đang sống")
            print(staging, flush=True)
            time.sleep(120)
""")


@pytest.fixture
def holder(tmp_path):
    started = []

    def start(outputs, mode="lock"):
        script = tmp_path / "holder.py"
        script.write_text(HOLDER)
        proc = subprocess.Popen([sys.executable, str(script), str(outputs), mode], cwd=ROOT, stdout=subprocess.PIPE,
                                text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        started.append(proc)
        line = proc.stdout.readline().strip()
        assert line, "the holding process did not start"
        return proc, line

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def project(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    (inputs / "xa-b").mkdir(parents=True)
    (inputs / "xa-b" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return inputs, outputs


def run(inputs, outputs):
    lines: list[str] = []
    code = build_all(inputs, outputs, pdf=False, progress=False, out=lines.append, jobs=1)
    return code, "\n".join(lines)


def test_a_second_run_stops_while_the_first_builds_and_goes_once_it_is_killed(tmp_path, holder):
    inputs, outputs = project(tmp_path)
    outputs.mkdir()
    proc, staging = holder(outputs)
    assert (outputs / ".lock").read_bytes() == b""  # the state an older pid file could be taken over in
    code, text = run(inputs, outputs)
    assert code == 1 and "một lần lập hồ sơ khác đang chạy" in text, text
    assert os.path.isfile(os.path.join(staging, "_old", "xa-a__2024", "dang-ghi.docx"))  # the live run's work kept
    assert not (outputs / "xa-b").exists()

    proc.send_signal(signal.SIGKILL)  # killed mid-run: its locks go with it
    proc.wait()
    code, text = run(inputs, outputs)
    assert code == 0 and "✓ đã lập     xa-b/2024" in text, text
    assert not list(outputs.glob(".staging-*"))  # the dead run's staging cleaned …
    assert (outputs / "xa-a" / "2024" / "dang-ghi.docx").read_text() == "của lần chạy đang sống"  # … its moved dossier put back


def test_recovery_leaves_a_staging_folder_a_live_run_owns(tmp_path, holder):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    proc, staging = holder(outputs, mode="no-lock")  # owns its staging folder, whatever happened to the main lock
    with Lock(outputs):
        recover(outputs)
    assert os.path.isfile(os.path.join(staging, "_old", "xa-a__2024", "dang-ghi.docx"))
    assert not (outputs / "xa-a").exists()
    proc.kill()
    proc.wait()
    with Lock(outputs):
        recover(outputs)
    assert not os.path.exists(staging) and (outputs / "xa-a" / "2024" / "dang-ghi.docx").is_file()


def test_the_lock_is_one_at_a_time_and_given_back(tmp_path):
    outputs = tmp_path / "outputs"
    with Lock(outputs):
        with pytest.raises(BuildLocked, match="đang chạy"):
            Lock(outputs).__enter__()
    with Lock(outputs), Staging(outputs) as staging:
        assert staging.name == f".staging-{os.getpid()}" and staging.is_dir()
    assert sorted(p.name for p in outputs.iterdir()) == [".lock"]  # staging and its owner lock gone
