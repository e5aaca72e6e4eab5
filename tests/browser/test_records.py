"""The 360° timeline in the browser: the first page, then "older" appends the next page in place (htmx)
until the resident's first entry, and the kind filter keeps paging within the chosen kinds."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from countyhealth.records import actions
from countyhealth.records.models import PersonalInfoChange
from countyhealth.records.tests.factories import personal_info_data

from .conftest import artifact


def test_older_entries_append_in_place_until_the_first(page, log_in, users, county, make_resident):
    doctor = users.village_doctor_a1
    elder = make_resident(county.village_a1, name="钱老伯", birth_date=dt.date(1948, 2, 3))
    actions.do_open_health_record(acting_user=doctor, resident_id=elder.pk, personal_info=personal_info_data())
    PersonalInfoChange.objects.bulk_create(
        PersonalInfoChange(resident=elder, changed_by=doctor, organisation=doctor.organisation, fields=["work_unit"])
        for _ in range(64))
    start = timezone.now() - dt.timedelta(days=400)
    for i, change in enumerate(PersonalInfoChange.objects.filter(resident=elder).order_by("pk")):
        PersonalInfoChange.objects.filter(pk=change.pk).update(changed_at=start + dt.timedelta(days=i))

    log_in(doctor.username)
    page.goto(f"{page.base_url}/records/{elder.pk}/timeline/")
    entries = page.locator("ol.timeline li:not(.timeline-more)")
    expect(entries).to_have_count(50)
    expect(entries.first).to_contain_text("健康档案已建立")
    page.get_by_role("link", name="较早").click()
    expect(entries).to_have_count(65)  # 64 changes and the record opened, each once
    expect(page.get_by_role("link", name="较早")).to_have_count(0)
    expect(page).to_have_url(f"{page.base_url}/records/{elder.pk}/timeline/")  # appended, not navigated
    page.screenshot(path=str(artifact("records-timeline-older")), full_page=False)

    page.get_by_label("健康档案", exact=True).check()
    page.get_by_role("button", name="筛选").click()
    expect(entries).to_have_count(50)
    page.get_by_role("link", name="较早").click()
    expect(entries).to_have_count(65)
