"""Human (non-JSON) CLI output in Chinese reads as Chinese (issue 20): columns line up by
display width, and no Python True/False leaks into a sentence."""

from __future__ import annotations

from appliance.commands._base import display_width, text_table


def test_columns_line_up_with_chinese_and_latin_cells() -> None:
    out = text_table(
        ["文档", "段数", "来源", "标题"],
        [
            ["patient/本院门诊时间", "1", "hours.md", "本院门诊时间"],
            ["patient/emergency-signs-long-key", "12", "内置", "急症信号"],
        ],
        right=frozenset({1}),
    )
    lines = out.splitlines()
    # the third column starts at the same display column on every line
    starts = []
    for line, source in zip(lines, ["来源", "hours.md", "内置"], strict=True):
        starts.append(display_width(line[: line.index(source)]))
    assert len(set(starts)) == 1, out
    assert display_width("中a") == 3


def test_kb_list_human_output_is_aligned() -> None:
    from appliance.commands.kb import _human_list

    rows = [
        {
            "doc": "patient/本院门诊时间",
            "chunks": 1,
            "builtin": False,
            "filename": "a.md",
            "title": "门诊时间",
        },
        {
            "doc": "patient/emergency",
            "chunks": 10,
            "builtin": True,
            "filename": "",
            "title": "急症",
        },
    ]
    lines = _human_list(rows).splitlines()
    assert len(lines) == 3
    cols = [
        display_width(line[: line.rindex(t)])
        for line, t in zip(lines[1:], ["门诊时间", "急症"], strict=True)
    ]
    assert cols[0] == cols[1]


def test_sync_lines_say_online_in_words() -> None:
    import inspect

    from appliance.commands import sync

    source = inspect.getsource(sync)
    assert "在线={" not in source and "已登记={" not in source
