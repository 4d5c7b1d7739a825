import json

from django.core.management import call_command

from registry.models import AdministrativeUnit, PriorityGroup, Vaccine
from registry.reference_data import DATA_DIR

Level = AdministrativeUnit.Level


def _counts():
    return (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE).count(),
        AdministrativeUnit.objects.filter(level=Level.DISTRICT).count(),
        AdministrativeUnit.objects.filter(level=Level.WARD).count(),
        PriorityGroup.objects.count(),
        Vaccine.objects.count(),
    )


def test_counts_and_reload_is_idempotent(db, capsys):
    assert _counts() == (63, 696, 10051, 16, 9)
    call_command("load_reference_data")
    call_command("load_reference_data")
    assert _counts() == (63, 696, 10051, 16, 9)
    assert "63 provinces, 696 districts, 10051 wards" in capsys.readouterr().out


def test_tree_is_consistent(db):
    ward = AdministrativeUnit.objects.select_related("parent__parent").get(level=Level.WARD, code=1)
    assert ward.name == "Phường Phúc Xá"
    assert ward.parent.name == "Quận Ba Đình" and ward.parent.parent.name == "Thành phố Hà Nội"
    assert (ward.province_code, ward.district_code) == (1, 1)
    assert not AdministrativeUnit.objects.filter(level=Level.WARD, parent__isnull=True).exists()
    assert not AdministrativeUnit.objects.filter(level=Level.DISTRICT).exclude(parent__level=Level.PROVINCE).exists()


def test_population_per_province_with_named_source(db):
    data = json.loads((DATA_DIR / "population.json").read_text(encoding="utf-8"))
    assert "2019" in data["source"]
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    assert not provinces.filter(population__isnull=True).exists()
    assert provinces.get(code=1).population == 8053663
    total = sum(provinces.values_list("population", flat=True))
    assert 96_000_000 < total < 96_500_000


def test_priority_groups_bilingual(db):
    first = PriorityGroup.objects.get(number=1)
    assert "y tế" in first.name_vi and "health" in first.name_en.lower()
    assert list(PriorityGroup.objects.values_list("number", flat=True)) == list(range(1, 17))


def test_vaccines_with_intervals_and_dcc_codes(db):
    astrazeneca = Vaccine.objects.get(code="astrazeneca")
    assert (astrazeneca.doses_in_series, astrazeneca.min_interval_days) == (2, 28)
    assert astrazeneca.dcc_product == "EU/1/21/1529"
    assert Vaccine.objects.get(code="janssen").doses_in_series == 1
    assert Vaccine.objects.get(code="pfizer").dcc_manufacturer == "ORG-100030215"
    for code in ["sinopharm", "sputnik_v", "abdala", "hayat_vax", "covaxin", "moderna"]:
        assert Vaccine.objects.filter(code=code).exists(), code
