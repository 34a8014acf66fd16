"""Nothing readable on disk: the database, its WAL, backups and the key envelope hide a planted
name and ID number (UTF-8 and UTF-16), while the store itself reads them back."""

from __future__ import annotations

from pathlib import Path

from tests._fixtures.store import PASSPHRASE

NAME = "欧阳铁柱"
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def _needles() -> list[bytes]:
    found = []
    for text in (NAME, ID_NUMBER, PHONE, "PLAINTEXT-MARKER"):
        found += [text.encode("utf-8"), text.encode("utf-16-le")]
    return found


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _assert_clean(folder: Path) -> int:
    checked = 0
    for path in _files(folder):
        data = path.read_bytes()
        for needle in _needles():
            assert needle not in data, f"{needle!r} readable in {path.name}"
        checked += 1
    return checked


def test_no_plaintext_in_any_file(admin_session, store, store_settings, tmp_path):
    from appliance.services.patients import add_patient, get_patient
    from appliance.store import backup

    pid = add_patient(
        admin_session,
        {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": "PLAINTEXT-MARKER"},
    )["patient_id"]
    for i in range(50):  # enough traffic that pages sit in the WAL too
        store.write(
            lambda db, i=i: db["clinic"].update(store.clinic_id, {"settings_json": f'{{"n": {i}}}'})
        )
    wal = store_settings.data_dir / "clinic.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    assert _assert_clean(store_settings.data_dir) >= 3  # db, wal, envelope while open
    backup(store, tmp_path / "backups")
    assert _assert_clean(tmp_path / "backups") == 2
    assert get_patient(admin_session, pid)["name"] == NAME
    store.close()
    assert _assert_clean(store_settings.data_dir) >= 2
    # and it is SQLCipher, not an unkeyed SQLite file
    assert not (store_settings.data_dir / "clinic.db").read_bytes().startswith(b"SQLite format 3")


def test_wrong_key_cannot_read_even_raw(store_settings, store):
    import sqlite3

    store.close()
    conn = sqlite3.connect(store_settings.data_dir / "clinic.db")
    try:
        try:
            conn.execute("SELECT * FROM patient").fetchall()
            raise AssertionError("plain sqlite3 read an encrypted database")
        except sqlite3.DatabaseError as exc:
            assert "not a database" in str(exc)
    finally:
        conn.close()
    assert PASSPHRASE.encode() not in (store_settings.data_dir / "clinic.keys.json").read_bytes()


def test_files_are_private_to_the_service_account(store, store_settings, tmp_path):
    from appliance.store import backup

    info = backup(store, tmp_path / "b")
    store.close()
    for path in [
        store_settings.data_dir / "clinic.db",
        store_settings.data_dir / "clinic.keys.json",
        tmp_path / "b" / info["path"].split("/")[-1],
        tmp_path / "b" / info["envelope"].split("/")[-1],
    ]:
        assert path.stat().st_mode & 0o077 == 0, path.name
