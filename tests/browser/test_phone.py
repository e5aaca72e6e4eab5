"""Issue #10 end to end: the village doctor's phone (mobile viewport, Debian's Chromium) works offline —
three follow-ups and a contract survive a reload without signal — then syncs, and the PC shows the server's
classification. A push cut after the server applied it is retried without loss or duplicates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.familydoctor.models import Contract
from countyhealth.familydoctor.tests.factories import township_a_team
from countyhealth.publichealth import actions as publichealth
from countyhealth.publichealth.models import FollowUpVisit
from countyhealth.records import actions as records
from countyhealth.records.models import AnnualHealthCheck
from countyhealth.records.tests.factories import personal_info_data
from countyhealth.sync.models import Mutation

from .conftest import artifact

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN",
         "timezone_id": "Asia/Shanghai", "service_workers": "allow"}


@pytest.fixture
def phone(request, browser, live_server, transactional_db):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        tab.screenshot(path=str(artifact(request.node.nodeid)), full_page=True)
    context.close()


@pytest.fixture
def patients(county, users, make_resident):
    enrolled_on = timezone.localdate() - dt.timedelta(days=300)
    people = []
    for name, birth in (("赵一平", dt.date(1958, 2, 3)), ("钱二和", dt.date(1966, 7, 8)), ("孙三顺", dt.date(1972, 11, 12))):
        resident = make_resident(county.village_a1, name=name, birth_date=birth, sex="1")
        publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=resident.pk,
                              programme="hypertension", enrolled_on=enrolled_on)
        people.append(resident)
    elder = make_resident(county.village_a1, name="李四福", birth_date=dt.date(1950, 4, 5), sex="2")
    records.do_open_health_record(acting_user=users.village_doctor_a1, resident_id=elder.pk,
                                  personal_info=personal_info_data())
    publichealth.do_enrol(acting_user=users.village_doctor_a1, resident_id=elder.pk, programme="elderly",
                          enrolled_on=timezone.localdate())
    township_a_team(county, users)
    return people


def log_in_on_phone(phone, password):
    # The live server's first request imports every app's URLs: slow on a loaded CI machine.
    phone.goto(phone.base_url + "/sync/", timeout=90_000)
    phone.fill("#f-username", "vd_a1")
    phone.fill("#f-password", password)
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".who")).to_contain_text("4 ")
    expect(phone.locator("#net")).to_contain_text("在线")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")


def record_followup(phone, name, sbp, dbp, expected_class, query=None):
    phone.goto(phone.base_url + "/sync/#")
    phone.fill("#search", query or name)
    phone.locator("#search-results a", has_text=name).click()
    phone.locator("a[href*='/hypertension']").click()
    phone.fill("#f-sbp", str(sbp))
    phone.fill("#f-dbp", str(dbp))
    expect(phone.locator("#provisional .class")).to_have_text(expected_class)
    phone.get_by_role("button", name="保存到手机").click()
    expect(phone.locator("#visits li.local")).to_contain_text("等待")


def record_elderly_check(phone, name):
    """The elderly programme's check at home: both arms and the five self-care items, scored on the phone."""
    phone.goto(phone.base_url + "/sync/#")
    phone.fill("#search", name)
    phone.locator("#search-results a", has_text=name).click()
    phone.locator("a[href^='#elderly/']").click()
    for field, value in (("sbp_left", "150"), ("dbp_left", "88"), ("sbp_right", "146"), ("dbp_right", "92")):
        phone.fill(f"#f-{field}", value)
    for item, level in (("eating", "1"), ("grooming", "2"), ("dressing", "3"), ("toileting", "2"), ("mobility", "2")):
        phone.select_option(f"#f-self_care_{item}", level)
    expect(phone.locator("#provisional .class")).to_contain_text("6 · 轻度依赖")
    phone.get_by_role("button", name="保存到手机").click()
    expect(phone.locator("#visits li.local")).to_contain_text("等待")


def sign(phone, name):
    phone.goto(phone.base_url + "/sync/#")
    phone.fill("#search", name)
    phone.locator("#search-results a", has_text=name).click()
    phone.locator("a[href^='#contract/']").first.click()
    box = phone.locator("#signature").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 30)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(box["x"] + 20 + step * 20, box["y"] + 30 + (step % 3) * 25)
    phone.mouse.up()
    phone.get_by_role("button", name="保存到手机").click()
    expect(phone.locator("#contracts li.local")).to_contain_text("等待")


def test_a_day_offline_then_sync_puts_every_record_on_the_platform(phone, page, log_in, password, patients):
    log_in_on_phone(phone, password)
    phone.context.set_offline(True)
    expect(phone.locator("#net")).to_contain_text("离线")
    record_followup(phone, "赵一平", 128, 82, "控制满意")
    record_followup(phone, "钱二和", 150, 95, "控制不满意", query="qeh")  # by pinyin initials
    record_followup(phone, "孙三顺", 185, 100, "控制不满意")
    sign(phone, "赵一平")
    record_elderly_check(phone, "李四福")

    phone.reload()  # no signal: the service worker serves the app, IndexedDB keeps the queue
    phone.goto(phone.base_url + "/sync/#queue")
    expect(phone.locator("#queue-open li.queue-item")).to_have_count(5)
    phone.screenshot(path=str(artifact("phone-offline-queue")), full_page=True)

    phone.context.set_offline(False)
    phone.locator("#sync-button").click()
    expect(phone.locator("#queue-sent li")).to_have_count(5)
    expect(phone.locator("#queue-open li")).to_have_count(0)
    expect(phone.locator("#queue-sent")).to_contain_text("紧急转诊")
    phone.screenshot(path=str(artifact("phone-synced-queue")), full_page=True)

    visits = {v.resident.name: v for v in FollowUpVisit.objects.select_related("resident")}
    assert {n: v.follow_up_class for n, v in visits.items()} == {
        "赵一平": "CONTROLLED", "钱二和": "UNCONTROLLED", "孙三顺": "UNCONTROLLED"}
    assert visits["孙三顺"].next_action == "EMERGENCY_REFERRAL"
    assert Contract.objects.get(resident__name="赵一平").signature.startswith("data:image/png;base64,")
    elderly = AnnualHealthCheck.objects.get(resident__name="李四福")
    assert (elderly.self_care_score, elderly.sbp, elderly.dbp) == (6, 150, 88)

    log_in("vd_a1")  # the PC side
    page.goto(page.base_url + reverse("publichealth:followup-detail", args=[visits["钱二和"].pk]))
    expect(page.locator(".decision h2")).to_contain_text("控制不满意")


def test_a_push_cut_after_the_server_applied_it_is_retried_without_duplicates(phone, password, patients):
    log_in_on_phone(phone, password)
    cut = []

    def apply_then_drop(route):
        route.fetch()  # the server applies the push...
        cut.append(True)
        route.abort()  # ...and the answer never reaches the phone

    phone.route("**/api/sync/push", apply_then_drop)
    record_followup(phone, "赵一平", 150, 95, "控制不满意")
    expect(phone.locator("#net")).to_contain_text("同步失败")
    assert cut and FollowUpVisit.objects.count() == 1
    phone.goto(phone.base_url + "/sync/#queue")
    expect(phone.locator("#queue-open li.queue-item")).to_have_count(1)

    phone.unroute("**/api/sync/push")
    phone.locator("#sync-button").click()
    expect(phone.locator("#queue-sent li")).to_have_count(1)
    expect(phone.locator("#queue-sent")).to_contain_text("控制不满意")
    assert FollowUpVisit.objects.count() == 1
    assert Mutation.objects.count() == 1


def test_a_push_that_gets_no_answer_halves_the_next_and_loses_nothing(phone, password, patients):
    """A week's queue goes in pushes of the server's largest size; after one that got no answer (poor
    signal) the phone sends half as many, then doubles again once answered."""
    log_in_on_phone(phone, password)
    sizes = []

    def first_push_lost(route):
        sizes.append(len(route.request.post_data_json["mutations"]))
        if len(sizes) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.route("**/api/sync/push", first_push_lost)
    today = timezone.localdate()
    queued = phone.evaluate("""([residents, today]) => new Promise((resolve, reject) => {
        const open = indexedDB.open("countyhealth-sync", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const t = open.result.transaction(["queue"], "readwrite"), queue = t.objectStore("queue");
            for (let i = 0; i < 150; i++) {
                const resident = residents[i % residents.length];
                const day = new Date(Date.parse(today) - i * 864e5).toISOString().slice(0, 10);
                queue.put({id: crypto.randomUUID(), seq: i + 1, kind: "followup", status: "waiting",
                           created: new Date().toISOString(), resident_key: "r:" + resident,
                           payload: {resident: resident, programme: "hypertension", client_id: crypto.randomUUID(),
                                     data: {visit_date: day, mode: "home", sbp: 118 + i % 10, dbp: 76}}});
            }
            t.oncomplete = () => resolve(150);
            t.onerror = () => reject(t.error);
        };
    })""", [[p.pk for p in patients], today.isoformat()])
    assert queued == 150
    phone.locator("#sync-button").click()
    expect(phone.locator("#net")).to_contain_text("同步失败")
    assert sizes == [150] and not FollowUpVisit.objects.exists()

    phone.locator("#sync-button").click()
    expect(phone.locator("#net")).to_contain_text("在线")
    phone.goto(phone.base_url + "/sync/#queue")
    expect(phone.locator("#queue-sent li")).to_have_count(150)
    assert sizes == [150, 100, 50]
    assert FollowUpVisit.objects.count() == 150 and Mutation.objects.count() == 150
