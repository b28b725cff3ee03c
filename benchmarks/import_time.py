"""How long ``import leadkit`` takes, against a bare interpreter and its dependencies.

Run: ``python benchmarks/import_time.py``. Each figure is the median of
fresh-interpreter runs (``python -c ...``), so module caches do not help.
The target is ``import leadkit`` under 100 ms over a bare interpreter, and
no optional dependency (nor cattrs or pyyaml) on the import path.

Like a normal install, the runs may use cached bytecode: the script unsets
``PYTHONDONTWRITEBYTECODE`` (set on some machines, where an editable install
would otherwise recompile leadkit's sources at every start) and warms up once.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = 15
TARGET_MS = 100.0
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_ms(statement: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, env=ENV)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    subprocess.run([sys.executable, "-c", "import leadkit, leadkit.scoring"], check=True, env=ENV)  # warm up
    bare = median_ms("pass")
    rows = [
        ("bare interpreter", bare),
        ("import attrs", median_ms("import attrs")),
        ("import attrs, cattrs, yaml", median_ms("import attrs, cattrs, yaml")),
        ("import leadkit", median_ms("import leadkit")),
        (
            "import leadkit + Lead.from_json (loads cattrs, yaml)",
            median_ms('import leadkit; leadkit.Lead.from_json(\'{"id": "a", "created_at": "2026-01-01T00:00:00Z"}\')'),
        ),
    ]
    print(f"median of {RUNS} fresh interpreters each")
    for label, ms in rows:
        print(f"  {label:55s} {ms:7.1f} ms   (+{ms - bare:6.1f} ms over bare)")
    over = rows[3][1] - bare
    verdict = "meets" if over < TARGET_MS else "MISSES"
    print(f"import leadkit costs {over:.1f} ms over a bare interpreter: {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
