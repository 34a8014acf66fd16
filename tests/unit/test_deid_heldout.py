"""Held-out de-identification check: 25 hand-written sentences in phrasings the synthetic
corpus does not use (written after the rules; the first run leaked 1 of 37 identifiers, fixed)."""

from __future__ import annotations

import pytest

from sync.deid import deidentify

HELDOUT = [
    ("患儿刘子涵，男，5岁，由其母亲陈丽娟抱入诊室。", ["刘子涵", "陈丽娟"]),
    ("病人赵德胜今晨在自家田里劳作时晕倒，邻居孙建军送来。", ["赵德胜", "孙建军"]),
    ("联系人：周玉兰（女儿） 手机：15937112233", ["周玉兰", "15937112233"]),
    ("身份证：41272219580916331X，医保：41272219580916331X", ["41272219580916331X"]),
    ("现住址 河南省周口市郸城县汲冢镇后李庄村5组", ["汲冢镇", "后李庄村"]),
    ("患者在郸城县永丰面粉厂打工十余年", ["永丰面粉"]),
    (
        "2025年12月3日首次就诊，12月17日复诊，2026-01-05再次复诊",
        ["2025年12月3日", "12月17日", "2026-01-05"],
    ),
    ("其丈夫黄志强开豫P·7K3M9货车送来", ["黄志强", "7K3M9"]),
    ("家属电话0394-8216655，微信号 zhl_8899", ["8216655", "zhl_8899"]),
    ("张桂英老人今年93岁，独居。", ["张桂英", "93岁"]),
    ("转诊单号 ZZ2026011800123", ["ZZ2026011800123"]),
    ("患者妻子马秀芝代诉病史", ["马秀芝"]),
    ("由村医杨树林转来", ["杨树林"]),
    ("Contact: Mrs. Wang Li, phone 138-0000-1234", ["Wang Li", "0000-1234"]),
    ("患者系青溪小学教师", ["青溪小学"]),
    ("平时住在儿子李海涛家（淳安县千岛湖镇新安东路88号）", ["李海涛", "新安东路88号"]),
    ("门诊号:00238841", ["00238841"]),
    ("邮箱 liuzh@hospital.org.cn", ["liuzh@hospital.org.cn"]),
    ("患者欧阳明月，女，47岁", ["欧阳明月"]),
    ("出生日期1931年2月5日", ["1931年2月5日"]),
    ("患者自述曾于2019年3月在郑州大学第一附属医院行PCI术", ["2019年3月"]),
    ("其女婿吴俊峰在深圳打工", ["吴俊峰"]),
    ("王某，男，65岁，石门村人", ["王某", "石门村"]),
    ("医保卡号：豫A0012345678", ["A0012345678"]),
    ("患者为龙泉镇中心卫生院转来的病人，转诊医生何晓燕", ["何晓燕"]),
    # added after the first held-out run: form labels (家长：, 签名：, 报告人：) were not contexts
    ("家长：王建华，电话见登记", ["王建华"]),
    ("签名：孙丽", ["孙丽"]),
    ("报告人：周婷婷", ["周婷婷"]),
]


@pytest.mark.parametrize(("text", "identifiers"), HELDOUT)
def test_heldout_sentence(text, identifiers):
    out = deidentify({}, {"t": text}, b"k" * 32)["record"]["t"]
    for value in identifiers:
        assert value not in out, out
