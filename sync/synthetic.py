"""Synthetic patients and outpatient records with planted identifiers.

Used by the de-identification corpus test (every planted identifier is listed so the test can
prove none leaves the box) and by the sync benchmarks (10,000 cases). No real person is in here:
names, IDs and phone numbers are drawn at random; resident IDs carry a valid checksum.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from sync._idnumber import id_check_char

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏方邹熊白孟秦侯江尹薛段雷龙史陶贺毛郝顾龚邵万钱严覃武戴莫孔向汤常"
_COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂云华红玉萍飞鹏辉斌建国文志宇浩峰俊波亮健林海宁鑫婷雪琳晶燕玲凤梅莉"
_RARE_GIVEN = "翀犇淼垚鑫喆昳玥祎珺璟晗赟翾"
_PROVINCES = [
    ("浙江省", "杭州市", "淳安县"),
    ("河南省", "周口市", "郸城县"),
    ("四川省", "凉山彝族自治州", "昭觉县"),
    ("甘肃省", "定西市", "岷县"),
    ("湖南省", "邵阳市", "隆回县"),
    ("云南省", "昭通市", "镇雄县"),
    ("贵州省", "毕节市", "威宁彝族回族苗族自治县"),
    ("江西省", "赣州市", "于都县"),
    ("山东省", "菏泽市", "曹县"),
    ("广西壮族自治区", "百色市", "田林县"),
]
_TOWN_WORDS = [
    "青溪",
    "石门",
    "柳林",
    "马家",
    "大坪",
    "桃源",
    "黄土",
    "新庄",
    "李家",
    "河口",
    "白沙",
    "龙泉",
    "杨柳",
    "高桥",
    "双河",
    "三合",
]
_PLATE_PROV = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋陕吉闽贵粤川"
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_EN_NAMES = [
    ("John", "Smith"),
    ("Mary", "Johnson"),
    ("David", "Brown"),
    ("Linda", "Miller"),
    ("James", "Wilson"),
    ("Sarah", "Taylor"),
]
_PINYIN = [("Zhang", "Wei"), ("Wang", "Fang"), ("Li", "Qiang"), ("Liu", "Min"), ("Chen", "Jie")]
_COMPANY = ["华通化工", "金盛建材", "宏达纺织", "永丰食品", "鑫源矿业", "长江物流", "绿野农业"]
_COMPANY_SUFFIX = ["有限公司", "有限责任公司", "砖厂", "合作社", "养殖场", "加工厂"]

# clinical content that must survive de-identification verbatim
CLINICAL = [
    ("发热伴咳嗽3天", "社区获得性肺炎", "J18.9", "阿莫西林", "体温38.6℃，双肺可闻及湿啰音"),
    ("头晕头痛1周", "原发性高血压", "I10", "氨氯地平", "血压168/98mmHg，心率82次/分"),
    ("多饮多尿2月", "2型糖尿病", "E11.9", "二甲双胍", "空腹血糖11.2mmol/L，糖化血红蛋白8.1%"),
    ("上腹痛伴反酸半年", "慢性胃炎", "K29.5", "奥美拉唑", "上腹部轻压痛，无反跳痛"),
    ("腰痛伴左下肢麻木1月", "腰椎间盘突出症", "M51.2", "塞来昔布", "直腿抬高试验左侧阳性"),
    ("胸闷气短活动后加重2周", "冠状动脉粥样硬化性心脏病", "I25.1", "阿司匹林", "心电图示ST段压低"),
    ("咽痛2天", "急性扁桃体炎", "J03.9", "头孢呋辛", "扁桃体Ⅱ度肿大，可见脓点"),
    ("尿频尿急尿痛1天", "急性膀胱炎", "N30.0", "左氧氟沙星", "尿常规白细胞3+"),
    ("反复喘息10年加重3天", "慢性阻塞性肺疾病急性加重", "J44.1", "沙丁胺醇", "双肺呼气相哮鸣音"),
    ("皮疹瘙痒2天", "荨麻疹", "L50.9", "氯雷他定", "躯干散在风团"),
]


# sentences that look a little like identifiers but are clinical content (must be kept)
HARD_NEGATIVES = [
    "安静时心率72次/分",
    "全身乏力，食欲差",
    "平素体健",
    "左侧肢体肌力Ⅳ级",
    "常规检查未见异常",
    "于3天前受凉后发病",
    "病灶小于5mm",
    "曾在乡镇卫生院输液治疗",
    "社区卫生服务中心随访",
    "新农合门诊报销",
    "喜饮冰镇饮料",
    "居家休息，多饮水",
    "长期生活在农村",
    "高血压3级，极高危",
    "白细胞计数偏高",
    "文化程度小学",
    "华法林2.5mg每日一次",
    "金黄色葡萄球菌感染可能",
    "石膏固定4周",
    "方案：二甲双胍0.5g tid",
    "血压控制目标<140/90mmHg",
    "体重下降约5公斤",
    "明显压痛",
    "龙胆泻肝汤加减",
    "复查时间：2周后",
    "Hb 98g/L，PLT 210×10^9/L",
    "BMI 27.3kg/m2",
    "ECG: sinus rhythm, rate 88 bpm",
    "Lee's score not applicable",
    "曾于县人民医院住院治疗",
    "父亲患糖尿病",
    "母亲有高血压病史",
    "吸烟指数400年支",
]


@dataclass
class Planted:
    """One synthetic case and the identifiers planted in it (each must not come out)."""

    patient: dict[str, Any]
    record: dict[str, Any]
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    clinical: list[str] = field(default_factory=list)  # phrases that must be kept
    clean_record: dict[str, Any] = field(default_factory=dict)  # same clinical text, no ids


def _name(rng: random.Random, rare: bool = False) -> str:
    surname = rng.choice(_COMPOUND) if rng.random() < 0.05 else rng.choice(_SURNAMES)
    pool = _RARE_GIVEN if rare else _GIVEN
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))


def resident_id(rng: random.Random, birth: dt.date) -> str:
    first17 = f"{rng.randint(110000, 659000)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _mobile(rng: random.Random) -> str:
    digits = f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
    style = rng.randrange(4)
    if style == 1:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 2:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 3:
        return "+86 " + digits
    return digits


def _landline(rng: random.Random) -> str:
    area = rng.choice(["0571", "0394", "0834", "0932", "0739", "010", "021"])
    number = f"{rng.randint(2000000, 89999999)}"
    return rng.choice([f"{area}-{number}", f"({area}){number}", f"{area} {number}"])


def _plate(rng: random.Random) -> str:
    tail = "".join(rng.choice(_PLATE_CHARS) for _ in range(5))
    return rng.choice(_PLATE_PROV) + rng.choice("ABCDEFGH") + tail


def _date_text(rng: random.Random, d: dt.date) -> str:
    return rng.choice(
        [
            f"{d.year}年{d.month}月{d.day}日",
            d.isoformat(),
            f"{d.year}/{d.month}/{d.day}",
            f"{d.month}月{d.day}日",
        ]
    )


def make_case(rng: random.Random, today: dt.date | None = None) -> Planted:
    today = today or dt.date(2026, 6, 1)
    age = rng.choice([rng.randint(18, 85), rng.randint(18, 85), rng.randint(90, 101)])
    birth = today - dt.timedelta(days=age * 365 + rng.randint(10, 300))
    sex = rng.choice(["M", "F"])
    name = _name(rng, rare=rng.random() < 0.1)
    prov, city, county = rng.choice(_PROVINCES)
    town = rng.choice(_TOWN_WORDS) + rng.choice(["镇", "乡"])
    village = rng.choice(_TOWN_WORDS) + rng.choice(["村", "村", "屯"])
    group = f"{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
    idn = resident_id(rng, birth)
    phone = _mobile(rng)
    patient = {
        "name": name,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "id_number": idn,
        "phone": phone,
        "address": f"{prov}{city}{county}{town}{village}{group}",
    }
    cc, dx, icd, drug, exam = rng.choice(CLINICAL)
    relative = _name(rng, rare=rng.random() < 0.3)
    doctor = _name(rng)
    d1 = today - dt.timedelta(days=rng.randint(3, 20))
    d2 = d1 + dt.timedelta(days=rng.randint(1, 3))
    phone2 = _landline(rng) if rng.random() < 0.5 else _mobile(rng)
    hospital_no = rng.choice(["ZY", "MZ", ""]) + f"{today.year}{rng.randint(0, 999999):06d}"
    insurance = f"{rng.choice('ABCDEFGHJK')}{rng.randint(10000000, 99999999)}"
    email = f"{rng.choice(['zw', 'li.m', 'wanghf', 'chen88'])}{rng.randint(1, 999)}@{rng.choice(['163.com', 'qq.com', 'example.cn'])}"
    plate = _plate(rng)
    company = rng.choice(_COMPANY) + rng.choice(_COMPANY_SUFFIX)
    en_first, en_last = rng.choice(_EN_NAMES)
    py_sur, py_given = rng.choice(_PINYIN)
    rel_word = rng.choice(["其子", "其女", "其妻", "其夫", "家属", "其母", "邻居"])
    d1t, d2t = _date_text(rng, d1), _date_text(rng, d2)
    old = rng.randint(91, 104)
    ids: list[tuple[str, str]] = [
        ("name", name),
        ("name", relative),
        ("name", doctor),
        ("resident_id", idn),
        ("phone", phone),
        ("phone", phone2),
        ("date", d1t),
        ("date", d2t),
        ("record_number", hospital_no),
        ("record_number", insurance),
        ("email", email),
        ("license_plate", plate),
        ("employer", company),
        ("place", village),
        ("place", town),
        ("address", group),
        ("name", f"{en_first} {en_last}"),
        ("name", f"{py_sur} {py_given}"),
        ("age", f"{old}岁"),
    ]
    present = (
        f"患者{name}于{d1t}无明显诱因出现{cc.rstrip('0123456789天周月年半')}，{rel_word}{relative}陪同就诊。"
        f"患者系{company}职工，家住{town}{village}{group}。联系电话{phone2}，身份证号{idn}。"
        f"{d2t}在村卫生室就诊，由{doctor}医生转诊。住院号{hospital_no}，医保卡号{insurance}。"
        f"邮箱{email}，车牌号{plate}。其祖母{old}岁，健在。"
        f"Referred by Dr. {en_first} {en_last}; interpreter {py_sur} {py_given}."
    )
    hard = rng.sample(HARD_NEGATIVES, 4)
    clean_present = (
        f"{'，'.join(hard)}。患者无明显诱因出现{cc.rstrip('0123456789天周月年半')}，伴乏力，食欲减退。"
        "既往体健，否认肝炎结核病史，否认手术外伤史。"
        f"入院前在村卫生室就诊，予对症处理效果不佳。{exam}。"
        "Vital signs stable; no known drug allergy."
    )
    record = {
        "chief_complaint": cc,
        "present_illness": present,
        "past_history": f"高血压病史5年，规律服用{drug}。",
        "allergy_history": "否认药物过敏史",
        "personal_history": f"吸烟20年，每日10支。在{company}工作。",
        "physical_exam": exam,
        "auxiliary_exams": "血常规：白细胞10.2×10^9/L，中性粒细胞78%。" + "；".join(hard),
        "diagnoses": [{"name": dx, "icd10": icd}],
        "treatment_plan": f"{drug}口服，3天后复诊；如有加重立即就诊。",
        "prescriptions": [{"drug": drug, "dose_mg": 500, "frequency_per_day": 2, "route": "po"}],
        "vitals": {"sbp": 132, "dbp": 84, "hr": 82, "temp": 37.8},
        "patient": {"age": age, "sex": sex},
    }
    clean = {**record, "present_illness": clean_present, "personal_history": "吸烟20年，每日10支。"}
    clinical = [
        cc,
        dx,
        icd,
        drug,
        exam,
        "白细胞10.2×10^9/L",
        "否认药物过敏史",
        "吸烟20年，每日10支",
        *hard,
    ]
    if age > 89:
        ids.append(("birth_date", patient["birth_date"]))
    return Planted(patient, record, ids, clinical, clean)


def corpus(n: int, seed: int = 11) -> list[Planted]:
    rng = random.Random(seed)
    return [make_case(rng) for _ in range(n)]


_MARKER = re.compile(r"\[(?:患者|姓名|身份证号|电话|邮箱|网址|编号|车牌|地址|地名|单位|账号)\]")


@dataclass
class DeidScore:
    records: int
    planted: int
    removed: int
    leaked: list[tuple[str, str]]
    false_markers: int  # markers put into identifier-free clinical text
    clinical_lost: list[str]

    @property
    def recall(self) -> float:
        return self.removed / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        found = self.removed + self.false_markers
        return self.removed / found if found else 1.0


def _leaked(kind: str, value: str, blob: str) -> bool:
    if kind == "age":
        return re.search(rf"(?<!\d){re.escape(value)}(?!以上)", blob) is not None
    variants = {value, re.sub(r"[\s\-+()]", "", value)}
    return any(v and v in blob for v in variants)


def score_deid(cases: list[Planted], secret: bytes, today: dt.date | None = None) -> DeidScore:
    """Run de-identification over ``cases`` and count leaks, false markers and lost content."""
    from sync.deid import deidentify

    today = today or dt.date(2026, 6, 1)
    planted = removed = false_markers = 0
    leaked: list[tuple[str, str]] = []
    lost: list[str] = []
    for case in cases:
        out = deidentify(case.patient, case.record, secret, today=today)
        blob = json.dumps(out, ensure_ascii=False)
        for kind, value in case.identifiers:
            planted += 1
            if _leaked(kind, value, blob):
                leaked.append((kind, value))
            else:
                removed += 1
        lost.extend(p for p in case.clinical if p not in blob)
        clean = deidentify(case.patient, case.clean_record, secret, today=today)["record"]
        false_markers += len(_MARKER.findall(json.dumps(clean, ensure_ascii=False)))
    return DeidScore(len(cases), planted, removed, leaked, false_markers, lost)
