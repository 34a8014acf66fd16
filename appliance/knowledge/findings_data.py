"""Loaders for the findings extractor's data (cached): lab analytes and vocabularies.

from appliance.knowledge.findings_data import lab_analytes
from appliance.clinical.findings_labs import extract_labs
extract_labs("白细胞15.2×10^9/L，肌酐2.1 mg/dL", lab_analytes())
"""

from __future__ import annotations

from functools import lru_cache

from appliance.clinical.findings_labs import Analyte
from appliance.knowledge.catalogs import load_toml


@lru_cache(maxsize=1)
def lab_analytes() -> tuple[Analyte, ...]:
    """The analytes of ``lab_analytes.toml`` (names, canonical unit, unit conversions)."""
    rows = load_toml("lab_analytes.toml")["analyte"]
    return tuple(
        Analyte(
            r["id"],
            tuple(r["names"]),
            r["unit"],
            tuple((str(u), float(f)) for u, f in r.get("factors", [])),
        )
        for r in rows
    )
