"""A representative downloads the template, uploads a file with some bad rows, reads the report, fixes it,
confirms, and sees the people registered."""
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from citizens.demo import DEMO_PASSWORD, seed_demo
from registry.models import Organisation, OrganisationMember
from registry.reference_data import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_representative_uploads_staff(live_server, page, tmp_path):
    from django.contrib.auth import get_user_model

    load_reference_data()
    seed_demo()
    user = get_user_model().objects.get(phone="+84912000003")
    organisation = Organisation.objects.get(registration_number="0146000001")  # the Huế demo company
    organisation.confirmed_at = timezone.now()
    organisation.save()
    OrganisationMember.objects.create(organisation=organisation, user=user)
    url = live_server.url
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("0912000003")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Tổ chức").first.click()
    page.get_by_role("link", name=organisation.name).click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="xlsx").first.click()
    template = tmp_path / "mau.xlsx"
    download_info.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.active
    assert sheet["A1"].value == "Họ và tên"
    sheet.delete_rows(2)
    sheet.append(["Võ Thị Một", "01/02/1991", "Nữ", "046191000001", "0987000001", "9", "19777", "Kế toán"])
    sheet.append(["Võ Văn Hai", "31/13/1991", "Nam", "046191000002", "", "9", "19777", "Lái xe"])
    workbook.save(template)

    page.get_by_label("Bảng tính (.xlsx hoặc .csv)").set_input_files(str(template))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("2 dòng: 1 hợp lệ, 1 có lỗi.").wait_for()
    assert "Ghi ngày theo dạng dd/mm/yyyy." in page.locator("table.errors").inner_text()
    with page.expect_download() as report_info:
        page.get_by_role("link", name="Tải báo cáo kết quả (csv)").click()
    report = (tmp_path / "report.csv")
    report_info.value.save_as(report)
    assert "Ghi ngày theo dạng dd/mm/yyyy." in report.read_text(encoding="utf-8-sig")

    sheet.cell(row=3, column=2, value="31/12/1991")  # fix the bad date
    workbook.save(template)
    page.goto(url + f"/vaccination/organisations/{organisation.pk}/")
    page.get_by_label("Bảng tính (.xlsx hoặc .csv)").set_input_files(str(template))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("2 dòng: 2 hợp lệ, 0 có lỗi.").wait_for()
    page.get_by_role("button", name="Ghi nhận 2 dòng hợp lệ").click()
    page.get_by_text("Đã ghi nhận 2 dòng.").wait_for()
    page.goto(url + f"/vaccination/organisations/{organisation.pk}/")
    people = page.locator("tbody").inner_text()
    assert "Võ Thị Một" in people and "Võ Văn Hai" in people and "Đã gửi đăng ký" in people
    assert "046191000001" not in people  # ID numbers are masked in lists
