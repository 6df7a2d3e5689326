"""The PyPI `matching` package's hospital–resident solver on the same preference lists as our `stable`, run in its
own venv (`MATCHING_PYPI_VENV`, default /tmp/venv-matching) with a working directory and path free of this project:
its top-level package is also called `matching`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

PYPI_VENV = Path(os.environ.get("MATCHING_PYPI_VENV", "/tmp/venv-matching"))


def run_pypi(t_prefs, m_prefs, capacity, timeout: float) -> dict:
    """The PyPI `matching` HospitalResident solver in its own venv, cwd and path free of this project."""
    python = PYPI_VENV / "bin" / "python"
    if not python.exists():
        return {"skipped": f"no {python}: python3 -m venv {PYPI_VENV} && {PYPI_VENV}/bin/pip install matching==1.4.3"}
    data = Path("/tmp/bench-matching-prefs.json")
    data.write_text(
        json.dumps(
            {
                "t": [[int(x) for x in row if x >= 0] for row in t_prefs],
                "m": [[int(x) for x in p] for p in m_prefs],
                "c": [int(c) for c in capacity],
            }
        )
    )
    script = (
        "import json, sys, time\n"
        "sys.setrecursionlimit(1_000_000)\n"
        "from matching.games import HospitalResident\n"
        f"d = json.load(open({str(data)!r}))\n"
        "res = {f't{i}': [f'm{j}' for j in p] for i, p in enumerate(d['t'])}\n"
        "hos = {f'm{j}': [f't{i}' for i in p] for j, p in enumerate(d['m'])}\n"
        "cap = {f'm{j}': c for j, c in enumerate(d['c'])}\n"
        "start = time.perf_counter()\n"
        "game = HospitalResident.create_from_dictionaries(res, hos, cap)\n"
        "out = game.solve(optimal='resident')\n"
        "seconds = time.perf_counter() - start\n"
        "a = [-1] * len(d['t'])\n"
        "for h, rs in out.items():\n"
        "    for r in rs: a[int(r.name[1:])] = int(h.name[1:])\n"
        "print(json.dumps({'seconds': seconds, 'assignment': a}))\n"
    )
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", script], cwd="/tmp", capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"failed": f"no answer within {timeout:.0f} s"}
    finally:
        data.unlink(missing_ok=True)
    if done.returncode != 0:
        return {"failed": (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1][:160]}
    return json.loads(done.stdout.strip().splitlines()[-1])
