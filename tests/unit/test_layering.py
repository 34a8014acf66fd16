"""The layering of DESIGN.md holds: import-linter's contracts are kept (run as a test too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout


def test_clinical_core_imports_no_io(tmp_path):
    """Independent of import-linter: importing the clinical package pulls in no I/O layer."""
    code = (
        "import sys, appliance.clinical as c, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(c.__path__, 'appliance.clinical.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in "
        "('sqlcipher3','sqlite3','sqlite_utils','llama_cpp','faster_whisper','httpx','textual',"
        "'fastapi','zeroconf') or n.startswith(('appliance.store','appliance.llm','appliance.api'))]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
