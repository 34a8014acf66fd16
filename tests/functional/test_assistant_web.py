"""The patient assistant web page in a real headless browser (Playwright + Debian chromium)
against the real LAN server (TLS 1.3, clinic CA) and the encrypted store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests._fixtures.api import PASSPHRASE, box_settings, make_box_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian chromium not installed (firmware_scripts/apt-packages.txt)",
)


@pytest.fixture(scope="module")
def web_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from appliance.api.server import ApiServer
    from appliance.services import _assistant_clinic_data as clinic_data
    from appliance.services.interface import ClinicRuntime
    from appliance.services.patients import add_patient
    from appliance.services.session import system_session

    root = tmp_path_factory.mktemp("assistant_web")
    settings = box_settings(root / "box", kb_embedder="none", model="none-installed")
    make_box_store(settings)
    runtime = ClinicRuntime(settings)
    store = runtime.open(PASSPHRASE)
    pid = add_patient(system_session(store), {"name": "李四", "sex": "M", "phone": "13800001234"})[
        "patient_id"
    ]
    code = clinic_data.issue_visit_code(store, pid)
    clinic_data.add_slots(
        store, department="全科", day=date.today().isoformat(), times=["23:00-23:30"]
    )
    server = ApiServer(settings, runtime, host="127.0.0.1", port=0, advertise=False)
    server.start(daemon=True)
    try:
        yield {"url": f"https://127.0.0.1:{server.port}", "code": code, "store": store}
    finally:
        server.stop()
        runtime.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, web_box: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(
        ignore_https_errors=True, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    pg = context.new_page()
    pg.goto(web_box["url"] + "/assistant")
    yield pg
    context.close()


def _last_answer(page: Any) -> Any:
    page.wait_for_selector(".bot[data-state=done]:last-of-type", timeout=15000)
    return page.locator(".bot[data-state=done]").last


def test_question_streams_an_answer_with_citations(page: Any) -> None:
    page.fill("#q", "抽血化验要空腹吗？")
    page.click("form.ask button")
    answer = _last_answer(page)
    assert "空腹" in answer.inner_text()
    assert "出处：常见检查前注意事项" in answer.locator(".cites").inner_text()


def test_emergency_is_shown_as_call_120(page: Any) -> None:
    page.fill("#q", "我爸突然嘴歪了，说话不清楚")
    page.click("form.ask button")
    answer = _last_answer(page)
    assert "120" in answer.inner_text()
    assert "emergency" in (answer.get_attribute("class") or "")


def test_booking_needs_verification_then_books(page: Any, web_box: dict[str, Any]) -> None:
    page.click("button[data-q='今天有号吗']")
    page.wait_for_selector("#verify", state="visible", timeout=15000)
    page.fill("#code", web_box["code"])
    page.fill("#last4", "0000")
    page.click("#verify button")
    page.wait_for_selector("text=就诊码或手机号后四位不正确", timeout=10000)
    page.fill("#last4", "1234")
    page.click("#verify button")
    page.wait_for_selector("text=验证成功：李*", timeout=10000)
    page.wait_for_selector(".slot button", timeout=10000)
    page.click(".slot button")
    page.wait_for_selector("text=已预约", timeout=10000)
    with web_box["store"].read_raw() as conn:
        assert (
            conn.execute("SELECT count(*) FROM appointment WHERE status='booked'").fetchone()[0]
            == 1
        )


def test_json_endpoints_and_qr(web_box: dict[str, Any]) -> None:
    import httpx

    with httpx.Client(base_url=web_box["url"], verify=False, timeout=15) as client:
        out = client.post("/api/assistant/ask", json={"question": "低血糖怎么办"}).json()
        assert set(out) == {"answer", "citations", "escalate"} and out["citations"]
        bad = client.post("/api/assistant/verify", json={"visit_code": "X", "phone_last4": "12"})
        assert bad.status_code == 422 and bad.json()["error"]["code"]
        qr = client.get("/assistant/qr.svg")
        assert qr.status_code == 200 and qr.text.lstrip().startswith("<?xml")


#: Draws each Chinese character of the element's text in the element's own font and returns
#: how many distinct pictures came out and how many of them have ink. A missing font draws the
#: same empty box (tofu) for every character: one distinct picture for many characters.
_GLYPHS_JS = """(el) => {
  const style = getComputedStyle(el);
  const font = `${style.fontWeight} 32px ${style.fontFamily}`;
  const chars = [...new Set([...el.textContent].filter(c => /[\\u4e00-\\u9fff]/.test(c)))].slice(0, 8);
  const pictures = chars.map(c => {
    const canvas = document.createElement('canvas');
    canvas.width = 48; canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx.font = font; ctx.fillStyle = '#000'; ctx.fillText(c, 4, 38);
    const data = ctx.getImageData(0, 0, 48, 48).data;
    let ink = 0, sig = '';
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; sig += data[i] > 127 ? '1' : '0'; }
    return {sig, ink};
  });
  return {chars: chars.length, distinct: new Set(pictures.map(p => p.sig)).size,
          inked: pictures.filter(p => p.ink > 20).length};
}"""


def test_chinese_text_renders_as_glyphs_not_tofu(page: Any) -> None:
    """On the box's own chromium the page's Chinese must be readable: firmware_scripts installs
    a CJK font (apt-packages.txt: fonts-noto-cjk). Without one every character is a box."""
    header = page.locator("header h1")
    header.wait_for()
    result = header.evaluate(_GLYPHS_JS)
    assert result["chars"] >= 3, result
    assert result["inked"] == result["chars"], result  # every character draws something
    assert result["distinct"] == result["chars"], (
        f"Chinese characters render as identical boxes (no CJK font installed?): {result}"
    )
    # and the header as the patient sees it has ink where the text is
    with_text = header.screenshot()
    header.evaluate("el => { el.style.color = 'transparent'; }")
    assert header.screenshot() != with_text
