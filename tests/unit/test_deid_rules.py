"""De-identification rules, one category at a time: cases that must fire and must not fire."""

from __future__ import annotations

import datetime as dt

import pytest

from sync._idnumber import id_check_char, is_valid_resident_id
from sync.deid import date_shift_days, deidentify, pseudonym, scrub_text

SECRET = b"s" * 32
TODAY = dt.date(2026, 6, 1)


def scrub(text: str, name: str = "") -> str:
    out = deidentify({"name": name} if name else {}, {"present_illness": text}, SECRET, today=TODAY)
    return out["record"]["present_illness"]


def test_resident_id_checksum():
    first17 = "11010519491231002"
    assert id_check_char(first17) == "X"
    assert is_valid_resident_id(first17 + "X")
    assert not is_valid_resident_id(first17 + "1")
    assert not is_valid_resident_id("110105194913310021")  # month 13


@pytest.mark.parametrize(
    ("text", "gone", "marker"),
    [
        ("身份证号11010519491231002X。", "11010519491231002X", "[身份证号]"),
        ("身份证 110105194912310021（校验位错也删）", "110105194912310021", "[身份证号]"),
        ("电话13812345678", "13812345678", "[电话]"),
        ("手机 138 1234 5678", "1234 5678", "[电话]"),
        ("电话+86 139-1234-5678", "1234-5678", "[电话]"),
        ("座机0571-87654321", "87654321", "[电话]"),
        ("座机(010)62345678", "62345678", "[电话]"),
        ("住院号ZY2024031201", "ZY2024031201", "[编号]"),
        ("门诊号：MZ-88231", "MZ-88231", "[编号]"),
        ("医保卡号A12345678", "A12345678", "[编号]"),
        ("Insurance No. HX99812", "HX99812", "[编号]"),
        ("邮箱 wang.fang@163.com", "wang.fang@163.com", "[邮箱]"),
        ("见 https://example.cn/p?id=3", "example.cn", "[网址]"),
        ("车牌浙A12345", "浙A12345", "[车牌]"),
        ("车牌号京N·8F2D1", "8F2D1", "[车牌]"),
        ("其子李强陪同就诊", "李强", "[姓名]"),
        ("其女欧阳珺喆陪同", "欧阳珺喆", "[姓名]"),
        ("由王建国医生转诊", "王建国", "[姓名]"),
        ("联系人：赵敏，电话见上", "赵敏", "[姓名]"),
        ("王先生诉头痛", "王先", "[姓名]"),
        ("家属王某某签字", "王某某", "[姓名]"),
        ("Seen by Dr. Emily Carter today", "Emily Carter", "[姓名]"),
        ("interpreter Zhang Wei present", "Zhang Wei", "[姓名]"),
        ("家住青溪镇石门村3组12号", "石门村", "[地址]"),
        ("住址：浙江省杭州市淳安县千岛湖镇青溪村", "千岛湖镇", "[地址]"),
        ("人民路128号3单元501室", "人民路128号", "[地址]"),
        ("患者系华通化工有限公司职工", "华通化工", "[单位]"),
        ("在金盛建材厂工作十年", "金盛建材", "[单位]"),
        ("来自马家村的村民", "马家村", "[地"),
    ],
)
def test_identifier_removed(text, gone, marker):
    out = scrub(text)
    assert gone not in out, out
    assert marker in out, out


@pytest.mark.parametrize(
    "text",
    [
        "安静时心率72次/分，全身乏力",
        "平素体健，常规检查未见异常",
        "高血压3级，极高危，氨氯地平5mg qd",
        "病灶小于5mm，左侧肢体肌力Ⅳ级",
        "曾在乡镇卫生院输液治疗，社区卫生服务中心随访",
        "长期生活在农村，喜饮冰镇饮料",
        "血压150/95mmHg，空腹血糖11.2mmol/L，血小板250×10^9/L",
        "金黄色葡萄球菌感染可能，石膏固定4周",
        "ECG: sinus rhythm, rate 88 bpm; HbA1c 8.1%",
        "阿司匹林100mg qd，华法林2.5mg",
        "父亲患糖尿病，母亲有高血压病史",
    ],
)
def test_clinical_text_untouched(text):
    assert scrub(text) == text


def test_patient_name_everywhere_and_rare_characters():
    out = scrub("翀犇自诉头痛，翀犇否认外伤", name="翀犇")
    assert "翀犇" not in out and out.count("[患者]") == 2


def test_dates_shift_keeps_intervals_and_format():
    out = scrub("2024年3月5日起病，2024年3月8日加重，2024-03-10就诊")
    assert "2024年3月5日" not in out and "2024-03-10" not in out
    shift = date_shift_days(SECRET, {})
    first = dt.date(2024, 3, 5) + dt.timedelta(days=shift)
    assert f"{first.year}年{first.month}月{first.day}日" in out
    third = dt.date(2024, 3, 10) + dt.timedelta(days=shift)
    assert third.isoformat() in out


def test_date_shift_is_per_patient_stable_and_nonzero():
    a = {"id_number": "11010519491231002X"}
    b = {"id_number": "110105194912310021"}
    assert date_shift_days(SECRET, a) == date_shift_days(SECRET, dict(a))
    assert 30 <= abs(date_shift_days(SECRET, a)) <= 300
    assert pseudonym(SECRET, a) != pseudonym(SECRET, b)
    assert pseudonym(SECRET, a) != pseudonym(b"t" * 32, a)


@pytest.mark.parametrize(
    ("text", "kept"), [("其母92岁", "90岁以上"), ("aged 95", "age 90 or older")]
)
def test_ages_over_89_generalised(text, kept):
    out = scrub(text)
    assert kept in out and "92" not in out and "95" not in out


def test_age_89_kept():
    assert scrub("患者89岁") == "患者89岁"


def test_structured_patient_fields():
    patient = {
        "name": "张伟",
        "sex": "M",
        "birth_date": "1958-03-02",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "address": "浙江省杭州市淳安县千岛湖镇青溪村3组12号",
    }
    out = deidentify(patient, {}, SECRET, today=TODAY)
    p = out["patient"]
    assert p["name"].startswith("P") and p["name"] != "张伟"
    assert p["id_number"] is None and p["phone"] is None
    assert p["address"] == "浙江省杭州市淳安县"
    assert p["birth_date"] == "1958"
    assert p["sex"] == "M"
    assert out["deid"]["replaced"] >= 5


def test_structured_very_old_patient():
    out = deidentify(
        {"name": "李明", "birth_date": "1930-01-01"}, {"patient": {"age": 96}}, SECRET, today=TODAY
    )
    assert out["patient"]["birth_date"] is None and out["patient"]["age"] == 90
    assert out["record"]["patient"]["age"] == 90


def test_municipality_address():
    out = deidentify({"address": "北京市朝阳区建国路88号"}, {}, SECRET, today=TODAY)
    assert out["patient"]["address"] == "北京市朝阳区"


def test_scrub_text_for_mentor_question():
    text = scrub_text("张伟的血糖控制不好，电话13812345678，请指导", SECRET, {"name": "张伟"})
    assert "张伟" not in text and "13812345678" not in text and "血糖控制不好" in text


def test_short_secret_refused():
    with pytest.raises(ValueError):
        deidentify({}, {}, b"short")


def test_local_ids_from_a_store_row_do_not_leave():
    row = {
        "id": "9f3a0c1d",
        "name": "王芳",
        "sex": "F",
        "created_by": "u-admin",
        "created_at": "2026-05-01T08:00:00+00:00",
    }
    out = deidentify(row, {}, SECRET, today=TODAY)["patient"]
    assert out["id"] is None and out["created_by"] is None
    assert out["created_at"] != row["created_at"]  # shifted like every date
