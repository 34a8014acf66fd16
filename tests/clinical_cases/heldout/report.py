"""Held-out accuracy report: runs the frozen held-out sets through the CLI contracts only.

    python -m tests.clinical_cases.heldout.report [triage|triage-v2|...|triage-v11|meds|advise|speech ...] [--llm]
        [--subprocess] [--out FILE.json] [--verbose]

Nothing here imports the rules: every case goes through ``clinicbox <cmd> --json`` (in-process via
``appliance.cli.main`` by default, or ``python -m appliance`` with ``--subprocess``), rules-only
(``--no-llm``) unless ``--llm``. Output fields that today's code does not give yet are tolerated
(counted as misses, never a crash). Prints case ids, not case texts (``--verbose`` shows them):
these sets must never be used to tune rules — see README.md in this folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio" / "heldout"
SEVERITY = {"minor": 1, "moderate": 2, "major": 3, "contraindicated": 4}
# Triage sets by report target, in the order they were frozen; each was frozen before the rule
# change that followed it (README.md in this folder: who wrote it, when, and whether its misses
# were ever read). A new set is one row here, one floor in test_heldout_floors.py and one row in
# README.md and docs/accuracy.md.
TRIAGE_FILES = {
    "triage": "triage_heldout.toml",
    "triage-v2": "triage_heldout_v2.toml",  # before the triage rules changed after the first runs
    "triage-v3": "triage_heldout_v3.toml",
    "triage-v4": "triage_heldout_v4.toml",
    "triage-v5": "triage_heldout_v5.toml",  # misses read for the fifth batch
    "triage-v6": "triage_heldout_v6.toml",  # misses read for the sixth batch
    "triage-v7": "triage_heldout_v7.toml",  # frozen before the sixth batch; unread
    "triage-v8": "triage_heldout_v8.toml",  # 920f2aa, before the eighth batch; unread
    "triage-v9": "triage_heldout_v9.toml",  # 5f90fcb, before the tenth batch; unread
    "triage-v10": "triage_heldout_v10.toml",  # a25e16e, before the eleventh batch; unread
    "triage-v11": "triage_heldout_v11.toml",  # 2d88785, before the twelfth batch; unread
    "triage-v12": "triage_heldout_v12.toml",  # 5cd04ba, before the thirteenth batch; unread
    "triage-v13": "triage_heldout_v13.toml",  # 06c1cf8, first run after the thirteenth; unread
    "triage-v14": "triage_heldout_v14.toml",  # f0bd322, first run after the fourteenth; unread
    "triage-v15": "triage_heldout_v15.toml",  # 8cbc9ef, first run after the fifteenth; unread
    "triage-v16": "triage_heldout_v16.toml",  # 16fa8c3, first run after the sixteenth; unread
    "triage-v17": "triage_heldout_v17.toml",  # 75bcb37, first run after the seventeenth; unread
    "triage-v18": "triage_heldout_v18.toml",  # cb5d30a, first run after the eighteenth; unread
    "triage-v19": "triage_heldout_v19.toml",  # c02253b, first run after the nineteenth; unread
    "triage-v20": "triage_heldout_v20.toml",  # d4ead88, first run after the twentieth; unread
    "triage-v21": "triage_heldout_v21.toml",  # 8d68bc0, first run after the twenty-first; unread
    "triage-v22": "triage_heldout_v22.toml",  # 9ffd62e, first run after the twenty-second; unread
    "triage-v23": "triage_heldout_v23.toml",  # 1e5696d, first run after the twenty-third; unread
    "triage-v24": "triage_heldout_v24.toml",  # 7a3dac1, first run after the twenty-fourth; unread
    "triage-v25": "triage_heldout_v25.toml",  # bbed180, first run after the twenty-fifth; unread
    "triage-v26": "triage_heldout_v26.toml",  # 3a9511f, first run after the twenty-sixth; unread
    "triage-v27": "triage_heldout_v27.toml",  # 69524ae, first run after the twenty-seventh; unread
    "triage-v28": "triage_heldout_v28.toml",  # 7860669, first run after the twenty-eighth; unread
    "triage-v29": "triage_heldout_v29.toml",  # 9a0ff53, first run after the twenty-ninth; unread
    "triage-v30": "triage_heldout_v30.toml",  # e70056a, first run after the thirtieth; unread
    "triage-v31": "triage_heldout_v31.toml",  # 8bcbd8c, first run after the thirty-first; unread
    "triage-v32": "triage_heldout_v32.toml",  # 7eb8b6a, first run after the thirty-second; unread
    "triage-v33": "triage_heldout_v33.toml",  # ab22822, first run after the thirty-third; unread
    "triage-v34": "triage_heldout_v34.toml",  # a34675e, first run after the thirty-fourth; unread
    "triage-v35": "triage_heldout_v35.toml",  # b6da31d, first run after the thirty-fifth; unread
    "triage-v36": "triage_heldout_v36.toml",  # e049c47, first run after the thirty-sixth; unread
    "triage-v37": "triage_heldout_v37.toml",  # 039c2cf, first run after the thirty-seventh; unread
    "triage-v38": "triage_heldout_v38.toml",  # 70dad4c, first run after the thirty-eighth; unread
    "triage-v39": "triage_heldout_v39.toml",  # 7a076ab, first run after the thirty-ninth; unread
    "triage-v40": "triage_heldout_v40.toml",  # 434b10e, first run after the fortieth; unread
    "triage-v41": "triage_heldout_v41.toml",  # 62d84ff, first run after the forty-first; unread
    "triage-v42": "triage_heldout_v42.toml",  # fe5779f, first run after the forty-second; unread
    "triage-v43": "triage_heldout_v43.toml",  # ee08ddb, first run after the forty-third; unread
    "triage-v44": "triage_heldout_v44.toml",  # f1dc95b, first run after the forty-fourth; unread
    "triage-v45": "triage_heldout_v45.toml",  # 5c8efdf, first run after the forty-fifth; unread
    "triage-v46": "triage_heldout_v46.toml",  # 967c887, first run after the forty-sixth; unread
    "triage-v47": "triage_heldout_v47.toml",  # 69179e7, first run after the forty-seventh; unread
    "triage-v48": "triage_heldout_v48.toml",  # 3c88088, first run after the forty-eighth; unread
    "triage-v49": "triage_heldout_v49.toml",  # 513a5a1, first run after the forty-ninth; unread
    "triage-v50": "triage_heldout_v50.toml",  # 7a3a495, first run after the fiftieth; unread
    "triage-v51": "triage_heldout_v51.toml",  # 6d17c46, first run after the fifty-first; unread
    "triage-v52": "triage_heldout_v52.toml",  # 7cdcc9d, first run after the fifty-second; unread
    "triage-v53": "triage_heldout_v53.toml",  # 45dd275, first run after the fifty-third; unread
    "triage-v54": "triage_heldout_v54.toml",  # b0d6a01, first run after the fifty-fourth; unread
    "triage-v55": "triage_heldout_v55.toml",  # 8e3ab6b, first run after the fifty-fifth; unread
    "triage-v56": "triage_heldout_v56.toml",  # 86f4dfd, first run after the fifty-sixth; unread
}
SETS = (*TRIAGE_FILES, "meds", "advise", "speech")

# ---------------------------------------------------------------- running the CLI


class Runner:
    def __init__(self, use_llm: bool, use_subprocess: bool) -> None:
        self.use_llm = use_llm
        self.use_subprocess = use_subprocess
        self.tmp = Path(tempfile.mkdtemp(prefix="cb-heldout-"))
        self.errors: Counter[str] = Counter()  # first line of each distinct stderr on failure

    def run(self, cmd: list[str], payload: Any = None, llm_flag: bool = True) -> tuple[int, Any]:
        """(exit code, parsed stdout JSON or None)."""
        args = [*cmd, "--json"]
        if llm_flag and not self.use_llm:
            args.append("--no-llm")
        if payload is not None:
            path = self.tmp / "input.json"
            path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            args.append(str(path))
        if self.use_subprocess:
            proc = subprocess.run(
                [sys.executable, "-m", "appliance", *args],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=600,
            )
            rc, out, err_text = proc.returncode, proc.stdout, proc.stderr
        else:
            from appliance.cli import main

            buf, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
                rc = main(args)
            out, err_text = buf.getvalue(), err.getvalue()
        if rc != 0:
            self.errors[(err_text.strip().splitlines() or ["(no message)"])[0][:300]] += 1
        try:
            return rc, json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            return rc, None


def _load_toml(name: str) -> list[dict[str, Any]]:
    with open(HERE / name, "rb") as fh:
        return list(tomllib.load(fh)["case"])


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} = {100.0 * n / d:.1f}%" if d else "n/a"


# ---------------------------------------------------------------- triage


def report_triage(
    runner: Runner, verbose: bool, filename: str = TRIAGE_FILES["triage"]
) -> dict[str, Any]:
    cases = _load_toml(filename)
    confusion: Counter[tuple[int, Any]] = Counter()
    exact = under12 = over = errors = 0
    disp_total = disp_ok = 0
    misses: list[str] = []
    times: list[float] = []
    for case in cases:
        payload = {k: case[k] for k in ("complaint", "age", "sex", "vitals") if k in case}
        start = time.perf_counter()
        rc, out = runner.run(["triage"], payload)
        times.append(time.perf_counter() - start)
        want = int(case["level"])
        got = out.get("level") if isinstance(out, dict) else None
        if rc != 0 or not isinstance(got, int):
            errors += 1
            got = "err"
        confusion[(want, got)] += 1
        if got == want:
            exact += 1
        else:
            misses.append(f"{case['id']} want {want} got {got}")
            if verbose:
                misses[-1] += f"  | {case['complaint']}"
        if isinstance(got, int) and got > want and want <= 2:
            under12 += 1
        if got == "err" and want <= 2:
            under12 += 1
        if isinstance(got, int) and got < want:
            over += 1
        if "disposition" in case:
            disp_total += 1
            if isinstance(out, dict) and out.get("disposition") == case["disposition"]:
                disp_ok += 1
    n = len(cases)
    n12 = sum(1 for c in cases if int(c["level"]) <= 2)
    print(f"TRIAGE  ({filename}: {n} cases, {'model' if runner.use_llm else 'rules only'})")
    print(f"  exact level         {_pct(exact, n)}")
    print(
        f"  under-triaged L1/L2 {under12} of {n12} "
        f"(= {80.0 * under12 / n:.1f} per 80 cases); over-triaged {over}; errors {errors}"
    )
    print(f"  disposition         {_pct(disp_ok, disp_total)} (self_care/routine cases)")
    print("  confusion (rows = expected, cols = got 1 2 3 4 err)")
    for want in (1, 2, 3, 4):
        row = [confusion[(want, g)] for g in (1, 2, 3, 4, "err")]
        print(f"    L{want}: " + " ".join(f"{v:3d}" for v in row))
    times.sort()
    print(
        f"  time per case       median {times[len(times) // 2] * 1000:.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms"
    )
    print("  misses: " + "; ".join(misses) if misses else "  misses: none")
    return {
        "n": n,
        "exact": exact,
        "under_triaged_l12": under12,
        "over": over,
        "errors": errors,
        "disposition_ok": disp_ok,
        "disposition_n": disp_total,
        "confusion": {f"{w}->{g}": v for (w, g), v in confusion.items()},
    }


# ---------------------------------------------------------------- meds


def _names_match(want: str, got: str) -> bool:
    want, got = want.strip().lower(), got.strip().lower()
    return bool(want and got) and (want == got or want in got or got in want)


def _alert_matches(alert: dict[str, Any], case: dict[str, Any]) -> bool:
    if alert.get("type") not in case["types"]:
        return False
    if SEVERITY.get(str(alert.get("severity")), 0) < SEVERITY[case["min_severity"]]:
        return False
    drugs = [str(d) for d in alert.get("drugs") or []]
    return all(any(_names_match(w, d) for d in drugs) for w in case["drugs"])


def report_meds(runner: Runner, verbose: bool) -> dict[str, Any]:
    cases = _load_toml("meds_heldout.toml")
    found = loose = errors = false_major = unknown = 0
    alerts_total = alerts_matching = 0
    misses: list[str] = []
    noisy: list[str] = []
    times: list[float] = []
    for case in cases:
        payload: dict[str, Any] = {
            "patient": case.get("patient", {}),
            "prescriptions": case["prescriptions"],
        }
        if "prescriber" in case:
            payload["prescriber"] = case["prescriber"]
        start = time.perf_counter()
        rc, out = runner.run(["meds", "check"], payload)
        times.append(time.perf_counter() - start)
        alerts = out.get("alerts", []) if rc == 0 and isinstance(out, dict) else None
        if alerts is None:
            errors += 1
            alerts = []
        alerts = [a for a in alerts if isinstance(a, dict)]
        unknown += sum(1 for a in alerts if a.get("type") == "unknown_drug")
        serious = [
            a
            for a in alerts
            if a.get("type") != "unknown_drug" and SEVERITY.get(str(a.get("severity")), 0) >= 2
        ]
        alerts_total += len(serious)
        if case["problem"]:
            hit = any(_alert_matches(a, case) for a in alerts)
            alerts_matching += sum(1 for a in serious if _alert_matches(a, case))
            found += hit
            loose += hit or any(
                any(_names_match(w, str(d)) for w in case["drugs"] for d in a.get("drugs") or [])
                for a in serious
            )
            if not hit:
                got = ", ".join(f"{a.get('type')}/{a.get('severity')}" for a in alerts) or "none"
                misses.append(f"{case['id']} ({got})")
        elif any(SEVERITY.get(str(a.get("severity")), 0) >= 3 for a in alerts):
            false_major += 1
            noisy.append(case["id"])
    problems = [c for c in cases if c["problem"]]
    safe = [c for c in cases if not c["problem"]]
    print(f"MEDS  ({len(problems)} problem prescriptions, {len(safe)} safe)")
    print(f"  recall (right type, drugs, severity) {_pct(found, len(problems))}")
    print(f"  recall (any moderate+ alert on a named drug) {_pct(loose, len(problems))}")
    print(
        f"  precision (moderate+ alerts that are an expected problem) "
        f"{_pct(alerts_matching, alerts_total)}"
    )
    print(
        f"  safe prescriptions with a major/contraindicated alert: {false_major} of {len(safe)}"
        + (f" ({', '.join(noisy)})" if noisy else "")
    )
    print(f"  unknown_drug alerts {unknown}; errors {errors}")
    times.sort()
    print(f"  time per case median {times[len(times) // 2] * 1000:.0f} ms")
    print("  misses: " + "; ".join(misses) if misses else "  misses: none")
    return {
        "problems": len(problems),
        "found": found,
        "loose": loose,
        "safe": len(safe),
        "false_major": false_major,
        "alerts_total": alerts_total,
        "alerts_matching": alerts_matching,
        "unknown_drug": unknown,
        "errors": errors,
    }


# ---------------------------------------------------------------- advise


def _norm(name: str) -> str:
    return re.sub(r"[\s（）()，,、·\-]", "", name or "").lower()


def _dx_match(got: str, expected: dict[str, Any]) -> bool:
    """A differential names the diagnosis: equal, or near-equal containment (≥ 70% of the
    longer name), for each part of a combined name such as "消化性溃疡/慢性胃炎"."""
    parts = [p for p in re.split(r"[/／|、]|或", got or "") if p.strip()]
    return any(_one_match(part, expected) for part in parts)


def _one_match(got: str, expected: dict[str, Any]) -> bool:
    g = _norm(got)
    if not g:
        return False
    for want in [expected["name"], *expected.get("synonyms", [])]:
        w = _norm(want)
        if g == w:
            return True
        short, long_ = sorted((g, w), key=len)
        if short in long_ and len(short) / len(long_) >= 0.7:
            return True
    return False


def report_advise(runner: Runner, verbose: bool) -> dict[str, Any]:
    cases = _load_toml("advise_heldout.toml")
    top1 = top3 = errors = 0
    town_n = town_top3 = 0
    refer_n = refer_ok = norefer_n = overrefer = 0
    misses: list[str] = []
    times: list[float] = []
    for case in cases:
        start = time.perf_counter()
        rc, out = runner.run(["advise"], case["record"])
        times.append(time.perf_counter() - start)
        if rc != 0 or not isinstance(out, dict):
            errors += 1
            out = {}
        diffs = [d for d in out.get("differentials") or [] if isinstance(d, dict)]
        names = [str(d.get("name", "")) for d in diffs]
        codes = [str(d.get("icd10", "")) for d in diffs]
        want_code = str(case["expected"].get("icd10", ""))[:3]

        hits = [
            _dx_match(name, case["expected"]) or (bool(want_code) and code[:3] == want_code)
            for name, code in zip(names, codes, strict=True)
        ]
        in1 = bool(hits) and hits[0]
        in3 = any(hits[:3])
        top1 += in1
        top3 += in3
        if case["scope"] == "township":
            town_n += 1
            town_top3 += in3
        refer = out.get("refer") is True
        if case["must_refer"]:
            refer_n += 1
            refer_ok += refer
        else:
            norefer_n += 1
            overrefer += refer
        if not in3 or (case["must_refer"] and not refer):
            tag = "" if in3 else " dx"
            tag += " no-refer" if case["must_refer"] and not refer else ""
            line = f"{case['id']}{tag}"
            if verbose:
                line += f" (want {case['expected']['name']}; got {names[:3]})"
            misses.append(line)
    n = len(cases)
    print(f"ADVISE  ({n} cases: {town_n} township, {n - town_n} beyond/must-not-miss)")
    print(f"  top-3 contains the diagnosis, township scope {_pct(town_top3, town_n)}")
    print(f"  top-3 all cases {_pct(top3, n)}; top-1 all cases {_pct(top1, n)}")
    print(f"  refer recall (must_refer cases) {_pct(refer_ok, refer_n)}")
    print(f"  referred although township-manageable {overrefer} of {norefer_n}; errors {errors}")
    times.sort()
    print(f"  time per case median {times[len(times) // 2] * 1000:.0f} ms")
    print("  misses: " + "; ".join(misses) if misses else "  misses: none")
    return {
        "n": n,
        "top1": top1,
        "top3": top3,
        "township_n": town_n,
        "township_top3": town_top3,
        "refer_n": refer_n,
        "refer_ok": refer_ok,
        "overrefer": overrefer,
        "norefer_n": norefer_n,
        "errors": errors,
    }


# ---------------------------------------------------------------- speech

_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT = {"十": 10, "百": 100, "千": 1000}


def _cn_int(text: str) -> str:
    if all(ch in _DIGIT for ch in text):
        return "".join(str(_DIGIT[ch]) for ch in text)
    total = current = 0
    for ch in text:
        if ch in _DIGIT:
            current = _DIGIT[ch]
        elif ch in _UNIT:
            total += (current or 1) * _UNIT[ch]
            current = 0
    return str(total + current)


def _cn_numbers(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        whole, _, frac = m.group(0).partition("点")
        out = _cn_int(whole) if whole else "0"
        if frac:
            out += "." + "".join(str(_DIGIT.get(ch, "")) for ch in frac)
        return out

    return re.sub(r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?", repl, text)


_UNITS = (  # spoken unit → the written form; applied to both sides after numerals → digits
    (r"¤(\d+(?:\.\d+)?)", r"\1%"),
    (r"(\d+)比(\d+)", r"\1/\2"),
    (r"(\d+)度(\d)(?!\d)", r"\1.\2℃"),
    (r"(\d+)度", r"\1℃"),
    (r"毫米汞柱", "mmhg"),
    (r"毫摩尔每升", "mmol/l"),
    (r"微摩尔每升", "μmol/l"),
    (r"克每升", "g/l"),
    (r"次每分钟?", "次/分"),
    (r"毫克", "mg"),
    (r"微克", "μg"),
    (r"(\d)克", r"\1g"),
)


def normalise(text: str) -> str:
    """Both sides alike: Chinese numerals → digits, spoken units → written units, punctuation and
    spaces removed, lower case."""
    text = (text or "").replace("百分之", "¤").replace("乘十的九次方每升", "×10^9/l")
    text = _cn_numbers(text).lower()
    for pattern, repl in _UNITS:
        text = re.sub(pattern, repl, text)
    text = text.replace("℃", "").replace("°c", "")
    return re.sub(r"[\s，,。；;、:：！!？?“”\"'（）()]", "", text)


def _edit(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _field_ok(want: str, got: str) -> bool:
    w, g = normalise(want), normalise(got)
    if not w:
        return not g
    return _edit(w, g) <= max(1, len(w) // 10)


def _score_fields(record: dict[str, Any], expect: dict[str, Any]) -> tuple[int, int]:
    fields = (
        "chief_complaint",
        "present_illness",
        "past_history",
        "allergy_history",
        "personal_history",
        "physical_exam",
        "auxiliary_exams",
        "treatment_plan",
    )
    ok = sum(_field_ok(str(expect.get(f, "")), str(record.get(f, "") or "")) for f in fields)
    codes = sorted(
        str(d.get("icd10") or "")[:3] for d in record.get("diagnoses") or [] if isinstance(d, dict)
    )
    ok += codes == sorted(c[:3] for c in expect.get("diagnoses", []))
    want_v = {k: float(v) for k, v in expect.get("vitals", {}).items()}
    got_v = record.get("vitals") or {}
    with contextlib.suppress(TypeError, ValueError, AttributeError):
        ok += want_v == {k: float(v) for k, v in got_v.items() if v is not None}
    want_rx = expect.get("prescriptions", [])
    got_rx = [p for p in record.get("prescriptions") or [] if isinstance(p, dict)]
    ok += len(want_rx) == len(got_rx) and all(
        _names_match(w[0], str(g.get("drug", "")))
        and (
            w[1] is None
            or (g.get("dose_mg") is not None and abs(float(g["dose_mg"]) - float(w[1])) < 1e-6)
        )
        and (w[2] is None or g.get("frequency_per_day") == w[2])
        for w, g in zip(want_rx, got_rx, strict=False)
    )
    return ok, len(fields) + 3


def report_speech(runner: Runner, verbose: bool) -> dict[str, Any]:
    cases = json.loads((HERE / "dictations_heldout.json").read_text(encoding="utf-8"))
    err_raw = err_norm = ref_raw = ref_norm = 0
    fields_audio = fields_text = fields_n = errors = 0
    audio_s = wall_s = 0.0
    per_clip: list[str] = []
    for case in cases:
        clip = AUDIO / f"{case['id']}.wav"
        start = time.perf_counter()
        rc, out = runner.run(["transcribe", str(clip)], llm_flag=False)
        wall_s += time.perf_counter() - start
        text = out.get("text", "") if rc == 0 and isinstance(out, dict) else ""
        if rc != 0:
            errors += 1
        audio_s += float(out.get("duration_s") or 0) if isinstance(out, dict) else 0.0
        raw_ref = re.sub(r"[\s，,。；;、:：]", "", case["reference"])
        raw_hyp = re.sub(r"[\s，,。；;、:：]", "", text)
        e_raw = _edit(raw_ref, raw_hyp)
        e_norm = _edit(normalise(case["reference"]), normalise(text))
        err_raw += e_raw
        ref_raw += len(raw_ref)
        err_norm += e_norm
        ref_norm += len(normalise(case["reference"]))
        per_clip.append(
            f"{case['id']} {100.0 * e_norm / max(1, len(normalise(case['reference']))):.0f}%"
        )
        for source, bucket in ((text, "audio"), (case["text"], "text")):
            _rc, rec = runner.run(
                ["emr", "structure"], {"text": source, "visit_type": case["visit_type"]}
            )
            ok, total = _score_fields(rec if isinstance(rec, dict) else {}, case["expect"])
            if bucket == "audio":
                fields_audio += ok
                fields_n += total
            else:
                fields_text += ok
        if verbose:
            print(f"  {case['id']}: {text}")
    n = len(cases)
    print(f"SPEECH  ({n} held-out dictations, {audio_s:.0f} s of audio)")
    print(
        f"  CER raw (characters as spoken vs transcript) {100.0 * err_raw / max(1, ref_raw):.1f}%"
    )
    print(
        f"  CER normalised (numerals→digits both sides)  {100.0 * err_norm / max(1, ref_norm):.1f}%"
    )
    print(
        f"  fields right after emr structure --no-llm: from audio {_pct(fields_audio, fields_n)}, "
        f"from the reference text {_pct(fields_text, fields_n)}"
    )
    print(f"  wall time {wall_s:.0f} s (RTF {wall_s / max(1.0, audio_s):.2f}); errors {errors}")
    print("  per clip: " + ", ".join(per_clip))
    return {
        "n": n,
        "cer_raw": err_raw / max(1, ref_raw),
        "cer_norm": err_norm / max(1, ref_norm),
        "fields_audio": fields_audio,
        "fields_text": fields_text,
        "fields_n": fields_n,
        "audio_s": audio_s,
        "wall_s": wall_s,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.clinical_cases.heldout.report")
    parser.add_argument("sets", nargs="*", choices=[*SETS, []], default=[])
    parser.add_argument("--llm", action="store_true", help="let the model run (default: --no-llm)")
    parser.add_argument("--subprocess", action="store_true", help="python -m appliance per case")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--verbose", action="store_true", help="show case texts of misses")
    args = parser.parse_args(argv)
    runner = Runner(args.llm, args.subprocess)
    chosen = args.sets or ["triage", "meds", "advise"]
    funcs: dict[str, Callable[[Runner, bool], dict[str, Any]]] = {
        **{target: partial(report_triage, filename=name) for target, name in TRIAGE_FILES.items()},
        "meds": report_meds,
        "advise": report_advise,
        "speech": report_speech,
    }
    results: dict[str, Any] = {}
    for name in chosen:
        try:
            results[name] = funcs[name](runner, args.verbose)
        except Exception as exc:  # a broken set or runner must not hide the other sets
            print(f"{name.upper()}: could not run ({exc.__class__.__name__}: {exc})")
        for message, count in runner.errors.most_common(3):
            print(f"  error x{count}: {message}")
        runner.errors.clear()
        print()
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
