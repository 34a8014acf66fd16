"""The README's assistant section runs as written (the benchmark line excepted: minutes)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _section_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Health assistant and decision support", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the section has a bash example"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_assistant_example_runs(store_env: Path, tmp_path: Path, cli: Any) -> None:
    patient = cli(
        "patient", "add", "--json", stdin={"name": "张三", "sex": "M", "phone": "13800001111"}
    )
    assert patient.rc == 0, patient.err
    lines = [line for line in _section_commands() if not line.startswith("clinicbox bench")]
    assert any(line.startswith("clinicbox bench assistant") for line in _section_commands())
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PATIENT_ID": patient.json()["patient_id"],
        "CLINICBOX_KB_EMBEDDER": "none",
    }
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(lines)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "escalate" in proc.stdout and "120" in proc.stdout
    assert "patient/门诊时间" in proc.stdout and "就诊码" in proc.stdout
