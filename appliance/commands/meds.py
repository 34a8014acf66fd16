"""``clinicbox meds`` — medication safety review (check), recommendation, formulary look-up."""

from __future__ import annotations

from typing import Any

import click

from appliance.commands._base import (
    CliState,
    common_options,
    json_input_argument,
    no_llm_option,
    pass_state,
    read_json_input,
    subgroup,
)
from appliance.errors import NotFoundError
from appliance.i18n import t

_MARK = {"contraindicated": "⛔", "major": "✗", "moderate": "!", "minor": "·"}
_SEV = {
    "contraindicated": ("禁忌", "contraindicated"),
    "major": ("严重", "major"),
    "moderate": ("中度", "moderate"),
    "minor": ("轻微", "minor"),
}


def _check_human(result: dict[str, Any]) -> str:
    alerts = result["alerts"]
    if not alerts:
        return t("未发现用药安全问题。", "No medication safety problems found.")
    lines = [t(f"共 {len(alerts)} 条用药警示：", f"{len(alerts)} medication alert(s):")]
    for a in alerts:
        sev = t(*_SEV[a["severity"]])
        lines.append(f"{_MARK[a['severity']]} [{sev}] {'、'.join(a['drugs'])}：{a['message']}")
        lines.append(f"    {t('依据', 'Source')}：{a['source']}")
    return "\n".join(lines)


def _recommend_human(result: dict[str, Any]) -> str:
    lines = [f"{t('诊断', 'Diagnosis')}：{result['diagnosis']}"]
    for opt in result["options"]:
        flag = "" if opt["safe"] else t("（有警示）", " (alerts)")
        lines.append(f"- {opt['drug']} {opt['regimen']}{flag}  [{opt['guideline']}]")
    for ex in result.get("excluded", []):
        lines.append(f"  × {ex['drug']}：{ex['reason']}")
    if result.get("summary"):
        lines.append(t("模型说明：", "Model note: ") + result["summary"]["text"])
    return "\n".join(lines)


def _lookup_human(info: dict[str, Any]) -> str:
    from appliance.i18n import get_lang
    from appliance.services._safety_meds import release_label

    lang = get_lang()
    none = t("无", "none")

    def mg(x: Any) -> str:
        return "—" if x is None else f"{x:g} mg"

    title = f"{info['name_zh']}（{info['inn']}）"
    if info.get("release"):
        title += f" · {release_label(info['release'], lang)}"
    lines = [
        title,
        f"  {t('商品名', 'Brands')}：{'、'.join(info['brands']) or none}",
        f"  ATC：{info['atc']}    {t('剂型', 'Forms')}：{'、'.join(info['forms']) or none}",
        f"  {t('基本药物', 'Essential medicine')}：{t('是', 'yes') if info['essential_medicine'] else t('否', 'no')}",
    ]
    lo, hi = info["adult_dose_mg"]
    if lo is not None or hi is not None or info.get("adult_max_daily_mg") is not None:
        freq = info.get("max_frequency_per_day")
        lines.append(
            f"  {t('成人单次', 'Adult single dose')}：{mg(lo)}–{mg(hi)}；"
            f"{t('日最大', 'max daily')} {mg(info.get('adult_max_daily_mg'))}"
            + (f"；{t('最多', 'at most')} {freq:g} {t('次/日', '×/day')}" if freq else "")
        )
    if info.get("ped_dose_mg_per_kg") or info.get("ped_max_daily_mg_per_kg"):
        lines.append(
            f"  {t('儿童', 'Children')}：{info.get('ped_dose_mg_per_kg') or '—'} mg/kg/{t('次', 'dose')}，"
            f"{t('日最大', 'max daily')} {info.get('ped_max_daily_mg_per_kg') or '—'} mg/kg"
        )
    if info.get("antibiotic_tier"):
        tiers = {"non_restricted": t("非限制使用级", "non-restricted"),
                 "restricted": t("限制使用级", "restricted"), "special": t("特殊使用级", "special")}  # fmt: skip
        lines.append(
            f"  {t('抗菌药物分级', 'Antibiotic tier')}：{tiers[info['antibiotic_tier']]}"
            f"（{t('注射', 'parenteral')}：{tiers[info['antibiotic_tier_parenteral']]}）"
        )
    if info.get("cautions"):
        lines.append(f"  {t('注意', 'Cautions')}：")
        for c in info["cautions"]:
            msg = c["message_en"] if lang == "en" else c["message_zh"]
            lines.append(f"    {_MARK.get(c['severity'], '·')} [{c['when']}] {msg}")
    if info.get("other_forms"):
        lines.append(
            f"  {t('同一药物的其他制剂（剂量不同，请分别查询）', 'Other products of this molecule (own doses; look them up)')}："
        )
        for o in info["other_forms"]:
            brands = f"（{'、'.join(o['brands'])}）" if o["brands"] else ""
            lines.append(f"    - {o['name_zh']}{brands} · {release_label(o['release'], lang)}")
    lines.append(f"  {t('依据', 'Source')}：{info['source']}")
    return "\n".join(lines)


def _store_exists(state: CliState) -> bool:
    from appliance.runtime import store_initialised

    return store_initialised(state.settings())


def register(cli: click.Group) -> None:
    group = subgroup(
        cli,
        "meds",
        t("用药安全：处方审核、用药推荐、查药。", "Medication safety: review, recommend, look up."),
    )

    @group.command(
        "check",
        help=t(
            "审核处方：相互作用、过敏、剂量、肾功能、妊娠、年龄、重复用药、抗菌药物分级。"
            "从标准输入或文件读取 JSON。",
            "Review prescriptions: interactions, allergy, dose, renal, pregnancy, age, "
            "duplicates, antibiotic tier. Reads JSON from stdin or a file.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def check(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.services.safety import check_meds

        data = read_json_input(source)
        settings = state.settings()
        if isinstance(data, dict) and data.get("overrides") and _store_exists(state):
            # Overrides are audited: open the clinic store and record each with the CLI user.
            from appliance.commands._store_cli import cli_session, open_cli_store

            with open_cli_store(state) as store:
                result = check_meds(data, settings=settings, session=cli_session(store))
            result["override_audit"] = "recorded"
        else:
            result = check_meds(data, settings=settings)
            if isinstance(data, dict) and data.get("overrides"):
                result["override_audit"] = "no_store"
        state.emit(result, human=_check_human)

    @group.command(
        "recommend",
        help=t(
            "按诊断推荐一线用药（来自基本药物目录与指南），并经全部安全核查过滤。",
            "First-line options for a diagnosis (essential medicines + guidelines), filtered "
            "through every safety check.",
        ),
    )
    @json_input_argument
    @common_options
    @no_llm_option
    @pass_state
    def recommend(state: CliState, source: str | None, no_llm: bool) -> None:
        from appliance.commands.triage import _open_engine
        from appliance.services.safety import recommend_meds

        data = read_json_input(source)
        engine, why = (None, None) if no_llm else _open_engine(state)
        # the model's explanation is bounded by this box's measured speed (models plan)
        budget = None
        if engine is not None:
            from appliance.services._model_step import budget_for

            budget = budget_for(engine, "meds")

        def progress(zh: str, en: str) -> None:
            if not state.as_json:
                click.echo(t(zh, en), err=True)

        try:
            result = recommend_meds(
                data,
                settings=state.settings(),
                engine=engine,
                timeout_s=budget,
                progress=progress,
            )
        finally:
            if engine is not None:
                engine.close()
        if why:
            result["llm_error"] = why
        state.emit(result, human=_recommend_human)

    @group.command("lookup", help=t("查询处方集中的药品。", "Look a drug up in the formulary."))
    @click.argument("name")
    @common_options
    @pass_state
    def lookup(state: CliState, name: str) -> None:
        from appliance.services.safety import drug_info

        info = drug_info(name, settings=state.settings())
        if info is None:
            raise NotFoundError(
                f"处方集中没有“{name}”。",
                f"'{name}' is not in the formulary.",
                hint_zh="请检查药名（通用名、英文名或商品名）。",
                hint_en="Check the name (generic, INN or brand).",
            )
        state.emit(info, human=_lookup_human)
