"""Training mode (培训模式): the embedded demo clinic of synthetic patients.

``open_demo_clinic(settings)`` creates (first time) or opens the demo clinic in its OWN folder
(``settings.demo_dir``, default ``<data_dir>/demo``) — a separate encrypted database with a fixed,
published passphrase, because everything in it is fictional. Nothing done in training touches the
real clinic's database. Accounts: admin / doctor / nurse / front, password ``demo1234``.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance.config import Settings
from appliance.services._visit_safety import compute as compute_safety
from appliance.services.ports import ReferralSealer
from appliance.store import consent, visits
from appliance.store import patients as register

if TYPE_CHECKING:
    from appliance.store import Store

DEMO_PASSPHRASE = "clinicbox-demo-training"  # noqa: S105 - the demo clinic holds no real data
DEMO_PASSWORD = "demo1234"  # noqa: S105
DEMO_USERS = (
    ("doctor", "王医生", "doctor"),
    ("nurse", "李护士", "nurse"),
    ("front", "前台小张", "front_desk"),
)

#: Fictional patients: (name, sex, birth year, conditions). Phones are 139-0000-xxxx (unassigned).
DEMO_PATIENTS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("张建国", "M", 1958, ("hypertension",)),
    ("李秀英", "F", 1962, ("diabetes",)),
    ("王桂兰", "F", 1949, ("hypertension", "diabetes")),
    ("刘德明", "M", 1971, ()),
    ("陈小红", "F", 1995, ()),
    ("杨志强", "M", 1966, ("hypertension",)),
    ("赵丽娟", "F", 1983, ()),
    ("黄伟", "M", 2012, ()),
    ("周玉兰", "F", 1955, ("diabetes",)),
    ("吴海涛", "M", 1979, ()),
    ("徐春梅", "F", 1988, ()),
    ("孙福贵", "M", 1944, ("hypertension",)),
)

_VISITS: tuple[dict[str, Any], ...] = (
    {
        "chief_complaint": "咳嗽、咳痰3天",
        "present_illness": "3天前受凉后出现咳嗽，咳少量白痰，无发热、胸痛。",
        "diagnoses": [{"name": "急性上呼吸道感染", "icd10": "J06.9"}],
        "treatment_plan": "多饮水，对症治疗，3天不缓解复诊。",
        "prescriptions": [{"drug": "氨溴索", "dose_mg": 30, "frequency_per_day": 3, "route": "po"}],
    },
    {
        "chief_complaint": "发热、咽痛2天",
        "present_illness": "2天前出现发热，最高38.6℃，咽痛，扁桃体肿大有脓点。",
        "diagnoses": [{"name": "急性化脓性扁桃体炎", "icd10": "J03.9"}],
        "treatment_plan": "抗感染治疗，血常规检查。",
        "prescriptions": [
            {"drug": "阿莫西林", "dose_mg": 500, "frequency_per_day": 3, "route": "po"}
        ],
    },
    {
        "chief_complaint": "头晕1周",
        "present_illness": "1周来头晕，测血压160/95mmHg，无肢体无力。",
        "diagnoses": [{"name": "原发性高血压", "icd10": "I10"}],
        "treatment_plan": "调整降压药，2周后复测血压。",
        "prescriptions": [
            {"drug": "氨氯地平", "dose_mg": 5, "frequency_per_day": 1, "route": "po"}
        ],
    },
    {
        "chief_complaint": "腰痛3天",
        "present_illness": "搬重物后腰痛3天，无下肢麻木，无大小便异常。",
        "diagnoses": [{"name": "急性腰扭伤", "icd10": "S33.5"}],
        "treatment_plan": "休息，局部热敷，腰椎CT检查。",
        "prescriptions": [
            {"drug": "布洛芬", "dose_mg": 300, "frequency_per_day": 2, "route": "po"}
        ],
    },
    {
        "chief_complaint": "多饮多尿复诊",
        "present_illness": "2型糖尿病复诊，空腹血糖7.8mmol/L。",
        "diagnoses": [{"name": "2型糖尿病", "icd10": "E11.9"}],
        "treatment_plan": "继续二甲双胍，饮食运动指导。",
        "prescriptions": [
            {"drug": "二甲双胍", "dose_mg": 500, "frequency_per_day": 2, "route": "po"}
        ],
    },
)


def demo_settings(settings: Settings) -> Settings:
    """The real settings, pointed at the demo folder (models are shared, data is not)."""
    demo_dir = Path(settings.resolved("demo_dir"))
    return settings.model_copy(
        update={
            "data_dir": demo_dir,
            "models_dir": settings.resolved("models_dir"),
            "backup_dir": demo_dir / "backups",
            "log_file": settings.resolved("log_file"),
            "passphrase": None,
            "key_file": None,
        }
    )


def open_demo_clinic(
    settings: Settings, *, seed: int = 7, sealer: ReferralSealer | None = None
) -> Any:
    """Create (once) and open the demo clinic; returns an unlocked LocalClinicService (with
    ``sealer`` as its referral sealer)."""
    from appliance.services._local_clinic import LocalClinicService
    from appliance.store import init_store

    demo = demo_settings(settings)
    if demo.data_dir.resolve() == Path(settings.data_dir).resolve():
        from appliance.errors import ConfigError

        raise ConfigError(
            "演示诊所目录不能与正式诊所相同。",
            "The demo clinic folder must differ from the real clinic's.",
        )
    demo.data_dir.mkdir(parents=True, exist_ok=True)
    fresh = not (demo.data_dir / "clinic.db").exists()
    if fresh:
        init_store(
            demo,
            clinic_name="演示卫生院（培训）",
            admin_user="admin",
            admin_password=DEMO_PASSWORD,
            passphrase=DEMO_PASSPHRASE,
        )
    service = LocalClinicService(demo, training=True, sealer=sealer)
    service.unlock(DEMO_PASSPHRASE)
    if fresh:
        seed_demo_data(service.runtime.store, seed=seed)
    return service


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def seed_demo_data(store: Store, *, seed: int = 7, today: date | None = None) -> None:
    """Users, patients, six months of signed visits, follow-up plans/events, consents."""
    from appliance.services import users
    from appliance.services.session import system_session

    rng = random.Random(seed)
    system = system_session(store, actor="demo-setup")
    for username, display, role in DEMO_USERS:
        users.add_user(system, username, DEMO_PASSWORD, role, display_name=display)
    today = today or datetime.now(UTC).date()
    now = datetime.now(UTC)

    def run(conn: Any) -> None:
        doctor = visits.user_id_of(conn, "doctor") or "system"
        for i, (name, sex, year, conditions) in enumerate(DEMO_PATIENTS):
            pid = secrets.token_hex(8)
            created = now - timedelta(days=200 - i)
            row = {
                "name": name,
                "sex": sex,
                "birth_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "phone": f"1390000{i:04d}",
                "address": "演示县演示镇",
            }
            register.insert(conn, pid, row, at=_iso(created), created_by=None)
            if i % 3 != 2:
                consent.record(
                    conn,
                    patient_id=pid,
                    granted=True,
                    recorded_by="demo-setup",
                    recorded_at=_iso(created),
                    note="演示数据",
                )
            for n in range(rng.randint(1, 3)):
                when = now - timedelta(days=rng.randint(3, 175) + n)
                _seed_visit(conn, rng, {"id": pid, **row}, doctor, when)
            for condition in conditions:
                _seed_followup(conn, rng, pid, doctor, condition, today)

    store.write_raw(run)


def _seed_visit(
    conn: Any, rng: random.Random, patient: dict[str, Any], doctor: str, when: datetime
) -> None:
    """A signed visit of the past, with the QC, alerts and triage the box computes for it."""
    template = dict(rng.choice(_VISITS))
    record = {
        **template,
        "past_history": "否认肝炎、结核病史",
        "allergy_history": rng.choice(["否认药物过敏史", "青霉素过敏"]),
        "personal_history": "无吸烟饮酒",
        "physical_exam": "T 36.8℃，P 80次/分，R 18次/分，BP 130/80mmHg",
        "auxiliary_exams": "",
        "vitals": {"sbp": 130, "dbp": 80, "hr": 80, "temp": 36.8},
    }
    box = compute_safety(patient, record, "special", signer="doctor")
    content = {"record": record, "qc": box.qc, "triage": box.triage, "alerts": box.alerts}
    vid, rid, stamp, pid = secrets.token_hex(8), secrets.token_hex(8), _iso(when), patient["id"]
    visits.insert_visit(
        conn,
        visit_id=vid,
        patient_id=pid,
        visit_type="initial",
        department=(box.triage or {}).get("department"),
        doctor_id=doctor,
        started_at=stamp,
    )
    visits.insert_record_version(
        conn,
        record_id=rid,
        version=1,
        visit_id=vid,
        patient_id=pid,
        status="signed",
        content=content,
        author_id=doctor,
        signed_at=stamp,
        change_note=None,
        amends_version=None,
        created_at=stamp,
    )
    visits.replace_prescriptions(
        conn,
        patient_id=pid,
        visit_id=vid,
        record_id=rid,
        prescriber_id=doctor,
        items=record["prescriptions"],
        at=stamp,
    )
    visits.close_visit(conn, vid, at=stamp)


def _seed_followup(
    conn: Any, rng: random.Random, pid: str, doctor: str, condition: str, today: date
) -> None:
    plan_id = secrets.token_hex(8)
    due = today + timedelta(days=rng.randint(-30, 20))
    rule = {
        "hypertension": "高血压患者每年至少4次面对面随访",
        "diabetes": "2型糖尿病患者每年至少4次面对面随访",
    }[condition]
    plan = {
        "condition": condition,
        "rule": rule,
        "source": "国家基本公共卫生服务规范（第三版）",
        "interval_days": 90,
        "next_due": due.isoformat(),
    }
    visits.insert_followup_plan(
        conn,
        patient_id=pid,
        user_id=doctor,
        plan=plan,
        plan_id=plan_id,
        created_at=_iso(datetime.now(UTC) - timedelta(days=180)),
    )
    for back in (180, 90):
        event_due = due - timedelta(days=back)
        done = rng.random() < 0.75
        visits.insert_followup_event(
            conn,
            plan_id=plan_id,
            patient_id=pid,
            due_date=event_due.isoformat(),
            done_at=event_due.isoformat() if done else None,
            outcome="done" if done else "missed",
        )
