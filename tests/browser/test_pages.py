"""What a village doctor sees in a Chinese browser: log in, find a resident, register one, lockout, language."""

from playwright.sync_api import expect

from countyhealth.residents.masking import mask_id_number

from .conftest import artifact


def with_wrong_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + ("0" if last != "0" else "1")


def test_village_doctor_finds_a_resident_and_is_told_of_a_bad_id_number(page, log_in, users, county, make_resident):
    zhang = make_resident(county.village_a1, name="张三丰")
    make_resident(county.village_a1, name="王芳")
    make_resident(county.village_b1, name="张思峰")  # same initials, other township: must not show

    page.goto(page.base_url + "/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")
    page.screenshot(path=str(artifact("login-page")), full_page=True)

    log_in("vd_a1")
    nav = page.locator("nav.mainnav")
    expect(nav.get_by_role("link", name="居民", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="居民登记")).to_be_visible()
    expect(nav.get_by_role("link", name="审计日志")).to_have_count(0)

    nav.get_by_role("link", name="居民", exact=True).click()
    expect(page.locator("h1")).to_have_text("居民")
    page.get_by_role("searchbox").fill("zsf")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三丰")
    expect(rows.first).to_contain_text(mask_id_number(zhang.id_number))
    assert zhang.id_number not in page.content()
    page.screenshot(path=str(artifact("resident-list")), full_page=True)

    page.get_by_role("link", name="居民登记").first.click()
    expect(page.locator("h1")).to_have_text("居民登记")
    page.fill("#id_name", "李四")
    page.fill("#id_id_number", with_wrong_check_digit(zhang.id_number))
    page.get_by_role("button", name="保存").click()
    error = page.locator(".field.has-error .errorlist")
    expect(error).to_contain_text("身份证号码校验码错误")
    expect(page.locator(".alert.error")).to_be_visible()


def test_five_wrong_passwords_lock_the_account(page, log_in, users):
    for attempt in range(4):
        log_in("vd_a1", f"wrong-{attempt}")
        expect(page.locator(".alert.error")).to_contain_text("请输入一个正确的用户名和密码")
    log_in("vd_a1", "wrong-again")
    expect(page.locator("h1")).to_have_text("账号已锁定")
    # The right password does not open a locked account either.
    log_in("vd_a1")
    expect(page.locator("h1")).to_have_text("账号已锁定")


def test_switching_to_english(page, log_in, users):
    page.goto(page.base_url + "/accounts/login/")
    page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    log_in("vd_a1")
    nav = page.locator("nav.mainnav")
    expect(nav.get_by_role("link", name="Residents", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Register resident")).to_be_visible()
