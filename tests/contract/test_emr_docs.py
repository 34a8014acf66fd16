"""The README's voice EMR section runs as written (its commands exist and succeed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _section_commands() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Voice EMR and record QC", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the section has a bash example"
    return block.group(1)


@pytest.mark.model
def test_readme_voice_emr_example_runs(tmp_path: Path, whisper_base_dir: Path) -> None:
    script = _section_commands().replace("/tmp/record.json", str(tmp_path / "record.json"))
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "CLINICBOX_DATA_DIR": str(tmp_path / "data"),
        "CLINICBOX_SPEECH_MODEL": str(whisper_base_dir),  # joined once per machine
    }
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"language": "zh"' in proc.stdout
    assert "QC-C" in proc.stdout  # the QC report and the rule list were printed
