"""Hub-signed updates (knowledge base, formulary, QC rules, models), verified before install.

An update is a folder or a ``.zip`` holding ``manifest.json``, ``manifest.sig`` (Ed25519 by the
hub's signing key, base64) and the files the manifest lists with their SHA-256 and size. Install
verifies the signature against the hub key pinned at enrolment, every file's hash and size, and
the paths (no ``..``, no absolute paths), then moves the files into
``<data_dir>/updates/<kind>/<version>/`` atomically and records ``current.json``. A bad signature
or a changed file is refused with a clear message; nothing is installed half-way.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature

from appliance.errors import UpdateRejected
from sync.bundle import canonical
from sync.keys import KeyPair, b64, load_public_sign, unb64, write_private

UPDATE_KINDS = ("knowledge", "formulary", "qc_rules", "model")


def build_update(
    out: Path, kind: str, version: str, files: dict[str, bytes], hub: KeyPair, note: str = ""
) -> Path:
    """Write a signed update zip (used by ``clinicbox hub publish`` and by tests)."""
    if kind not in UPDATE_KINDS:
        raise ValueError(f"unknown update kind {kind!r}")
    manifest = {
        "kind": kind,
        "version": version,
        "note": note,
        "files": [
            {"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for p, d in sorted(files.items())
        ],
    }
    body = canonical(manifest)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", body)
        zf.writestr("manifest.sig", b64(hub.signing.sign(b"clinicbox-update-v1\x00" + body)))
        for path, data in files.items():
            zf.writestr("files/" + path, data)
    return out


def _reject(zh: str, en: str, reason: str) -> UpdateRejected:
    return UpdateRejected(zh, en, details={"reason": reason})


def _read(source: Path) -> tuple[bytes, bytes, dict[str, bytes]]:
    try:
        if source.is_dir():
            files = {
                str(p.relative_to(source / "files").as_posix()): p.read_bytes()
                for p in (source / "files").rglob("*")
                if p.is_file()
            }
            return (
                (source / "manifest.json").read_bytes(),
                (source / "manifest.sig").read_bytes(),
                files,
            )
        with zipfile.ZipFile(source) as zf:
            files = {
                n[len("files/") :]: zf.read(n)
                for n in zf.namelist()
                if n.startswith("files/") and not n.endswith("/")
            }
            return zf.read("manifest.json"), zf.read("manifest.sig"), files
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise _reject(
            "更新包不完整或无法读取。", "The update is incomplete or unreadable.", "format"
        ) from exc


def verify_update(source: Path, hub_sign_key: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Verify an update; returns (manifest, files). Raises UpdateRejected on any problem."""
    body, sig, files = _read(source)
    try:
        load_public_sign(hub_sign_key).verify(
            unb64(sig.decode().strip()), b"clinicbox-update-v1\x00" + body
        )
    except (InvalidSignature, ValueError) as exc:
        raise _reject(
            "更新包签名无效：不是帮扶医院签发的，已拒绝安装。",
            "The update's signature is not the mentor hub's; it was not installed.",
            "signature",
        ) from exc
    manifest = json.loads(body)
    if manifest.get("kind") not in UPDATE_KINDS:
        raise _reject("更新包类型未知。", "Unknown update kind.", "kind")
    listed = {f["path"]: f for f in manifest["files"]}
    if set(listed) != set(files):
        raise _reject(
            "更新包文件与清单不符。", "The update's files do not match its manifest.", "files"
        )
    for path, entry in listed.items():
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts:
            raise _reject("更新包含非法路径。", "The update contains an unsafe path.", "path")
        data = files[path]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise _reject(
                "更新包文件被篡改（校验值不符），已拒绝安装。",
                "A file in the update was altered (checksum mismatch); not installed.",
                "checksum",
            )
    return manifest, files


def install_update(source: Path, hub_sign_key: bytes, data_dir: Path) -> dict[str, Any]:
    """Verify then install an update; returns its manifest. Idempotent per (kind, version)."""
    manifest, files = verify_update(source, hub_sign_key)
    kind, version = manifest["kind"], str(manifest["version"])
    root = data_dir / "updates" / kind
    target = root / version
    if not target.exists():
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        try:
            for path, data in files.items():
                dest = staging / path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
            (staging / "manifest.json").write_bytes(canonical(manifest))
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    write_private(root / "current.json", json.dumps({"version": version, "path": str(target)}))
    return manifest


def installed_updates(data_dir: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind in UPDATE_KINDS:
        current = data_dir / "updates" / kind / "current.json"
        if current.exists():
            out[kind] = json.loads(current.read_text(encoding="utf-8"))["version"]
    return out
