"""The README's visit section runs as written: create a store and a patient, see a signature
refused for a missing override, sign, amend, record consent and refer the visit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests._fixtures.store import FAST_KDF_ENV

ROOT = Path(__file__).resolve().parents[2]


def _section_script() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Visits: save, sign, amend, refer", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the section has a bash example"
    return block.group(1)


def test_readme_visit_example_runs(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CLINICBOX_")},
        **FAST_KDF_ENV,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(tmp_path),
        "CLINICBOX_DATA_DIR": str(tmp_path / "clinic"),
        "CLINICBOX_PASSPHRASE": "clinic-secret-1",
        "CLINICBOX_ADMIN_PASSWORD": "Admin-pass-123",
    }
    setup = "clinicbox init --clinic 青溪乡卫生院 --admin admin --json > /dev/null\n"
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", setup + _section_script()],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "exit 2: sign_blocked" in out  # the first signature is refused
    assert '"status": "amended"' in out
    assert '"queued": true' in out and '"case_id"' in out
