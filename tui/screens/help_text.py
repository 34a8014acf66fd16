"""Help for each screen (F1) and the guided tour's cards, in Chinese and English."""

from __future__ import annotations

HELP: dict[str, tuple[str, str]] = {
    "home": (
        "按数字键打开功能；F2 切换中英文；Ctrl+L 退出登录；Ctrl+Q 关闭程序。",
        "Press a number to open a screen; F2 switches language; Ctrl+L logs out; Ctrl+Q quits.",
    ),
    "unlock": (
        "输入管理员设定的开机口令解锁加密数据库。忘记口令请用恢复密钥（clinicbox unlock）。",
        "Enter the passphrase set by the admin. Forgot it? Use the recovery key (clinicbox unlock).",
    ),
    "login": (
        "输入自己的用户名和密码。多次输错会临时锁定账号。",
        "Enter your own username and password. Repeated failures lock the account for a while.",
    ),
    "patients": (
        "在搜索框输入姓名、拼音首字母（如 zs=张三）、编号、身份证号或电话后几位；"
        "↑↓ 选择，回车打开；Ctrl+N 登记新患者。",
        "Search by name, pinyin initials (zs = 张三), ID, ID card or the last digits of the phone; "
        "↑↓ select, Enter opens; Ctrl+N registers a patient.",
    ),
    "register": (
        "填写姓名（必填）等信息，Ctrl+S 保存。",
        "Fill in the name (required) etc.; Ctrl+S saves.",
    ),
    "patient": (
        "Ctrl+V 开始新就诊；选择历史就诊回车查看。",
        "Ctrl+V starts a visit; Enter opens a past one.",
    ),
    "visit": (
        "左侧：主诉与体征（实时分诊），F5 听写/停止，F6 把口述整理成结构化病历。\n"
        "右侧：病历（质控提示显示在对应字段下）、处方（严重警示须填写忽略理由）、随访、辅助决策(F8)。\n"
        "F7 重新质控，Ctrl+S 存草稿，F10 签名保存，F9 转诊帮扶医院，Esc 取消正在进行的模型任务。\n"
        "已签名的病历不能覆盖：按 Ctrl+R 修订，写明理由后保存为新版本。",
        "Left: complaint and vitals (instant triage), F5 dictate/stop, F6 structures the dictation.\n"
        "Right: record (QC findings under their field), prescriptions (serious alerts need an "
        "override reason), follow-up, advice (F8).\n"
        "F7 re-runs QC, Ctrl+S saves a draft, F10 signs, F9 refers to the mentor hospital, Esc "
        "cancels running model work.\n"
        "A signed record is never overwritten: Ctrl+R amends it, with a reason, as a new version.",
    ),
    "followup": (
        "列出到期、逾期、未达标的慢病患者及依据的规则；选中一行回车打开患者、开始随访；F5 刷新。",
        "Due, overdue and uncontrolled chronic patients with the rule behind each; Enter on a row "
        "opens the patient to start the follow-up visit; F5 reloads.",
    ),
    "assistant": (
        "输入问题回车；回答附出处。紧急情况会直接提示就医/拨打120。",
        "Type a question and press Enter; answers cite their sources. Emergencies say call 120.",
    ),
    "quality": (
        "本诊所每月质量指标与趋势图；F5 刷新。",
        "This clinic's monthly indicators and trends; F5 reloads.",
    ),
    "compute": (
        "模型、速度、队列与内存，每2秒刷新。",
        "Model, speed, queue and memory, refreshed every 2 s.",
    ),
    "admin": (
        "用户与角色、备份恢复、模型、设置、审计校验、同步状态。",
        "Users and roles, backup/restore, models, settings, audit verification, sync status.",
    ),
    "training": (
        "选择练习病例，作答并提交后显示正确答案、解释与系统规则的判定；F3 开始导览。",
        "Pick a case, answer and commit to see the answer, the explanation and the rules' verdict; "
        "F3 starts the tour.",
    ),
}

#: (title zh, title en, text zh, text en) — one card per screen.
TOUR: tuple[tuple[str, str, str, str], ...] = (
    (
        "欢迎使用 ClinicBox",
        "Welcome to ClinicBox",
        "这是培训模式的演示诊所，所有患者都是虚构的，可以放心操作。全程只用键盘即可。",
        "This is the training clinic: every patient is fictional, so try anything. "
        "The keyboard alone is enough.",
    ),
    ("主菜单", "Home menu", HELP["home"][0], HELP["home"][1]),
    ("患者", "Patients", HELP["patients"][0], HELP["patients"][1]),
    ("就诊工作台", "Visit workspace", HELP["visit"][0], HELP["visit"][1]),
    ("慢病随访", "Follow-up", HELP["followup"][0], HELP["followup"][1]),
    ("知识助手", "Assistant", HELP["assistant"][0], HELP["assistant"][1]),
    (
        "质量看板与算力",
        "Quality and compute",
        HELP["quality"][0] + HELP["compute"][0],
        HELP["quality"][1] + " " + HELP["compute"][1],
    ),
    ("练习病例", "Practice cases", HELP["training"][0], HELP["training"][1]),
)
