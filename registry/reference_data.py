"""Loading of the national reference data: administrative units, population, priority groups, vaccines.

Every step is an upsert keyed on the official code, so loading twice leaves the same rows.
"""
import json
from dataclasses import dataclass
from pathlib import Path

import vietnam_provinces
from django.db import transaction

from .models import AdministrativeUnit, Facility, PriorityGroup, Vaccine
from .services import facility_create, roles_sync_groups

DATA_DIR = Path(__file__).resolve().parent / "data"
Level = AdministrativeUnit.Level


@dataclass
class LoadResult:
    provinces: int
    districts: int
    wards: int
    priority_groups: int
    vaccines: int


def _read(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def _upsert_units(rows: list[AdministrativeUnit]) -> None:
    AdministrativeUnit.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["level", "code"],
        update_fields=["name", "codename", "parent", "province_code", "district_code"],
    )


def _ids(level: str) -> dict[int, int]:
    return dict(AdministrativeUnit.objects.filter(level=level).values_list("code", "id"))


def load_administrative_units() -> None:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        provinces = json.load(handle)
    _upsert_units([
        AdministrativeUnit(level=Level.PROVINCE, code=p["code"], name=p["name"], codename=p["codename"],
                           province_code=p["code"])
        for p in provinces
    ])
    province_ids = _ids(Level.PROVINCE)
    _upsert_units([
        AdministrativeUnit(level=Level.DISTRICT, code=d["code"], name=d["name"], codename=d["codename"],
                           parent_id=province_ids[p["code"]], province_code=p["code"], district_code=d["code"])
        for p in provinces for d in p["districts"]
    ])
    district_ids = _ids(Level.DISTRICT)
    _upsert_units([
        AdministrativeUnit(level=Level.WARD, code=w["code"], name=w["name"], codename=w["codename"],
                           parent_id=district_ids[d["code"]], province_code=p["code"], district_code=d["code"])
        for p in provinces for d in p["districts"] for w in d["wards"]
    ])


def load_population() -> None:
    population = {p["code"]: p["population"] for p in _read("population.json")["provinces"]}
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    for province in provinces:
        province.population = population.get(province.code)
    AdministrativeUnit.objects.bulk_update(provinces, ["population"])


def load_priority_groups() -> None:
    data = _read("priority_groups.json")
    PriorityGroup.objects.bulk_create(
        [PriorityGroup(number=g["number"], name_vi=g["name_vi"], name_en=g["name_en"]) for g in data["groups"]],
        update_conflicts=True,
        unique_fields=["number"],
        update_fields=["name_vi", "name_en"],
    )


VACCINE_FIELDS = [
    "name", "manufacturer", "doses_in_series", "min_interval_days", "recommended_interval_days",
    "dcc_product", "dcc_manufacturer", "dcc_prophylaxis",
]


def load_vaccines() -> None:
    data = _read("vaccines.json")
    Vaccine.objects.bulk_create(
        [
            Vaccine(code=v["code"], **{field: v[field] if v.get(field) is not None else "" for field in VACCINE_FIELDS})
            for v in data["vaccines"]
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=VACCINE_FIELDS,
    )


def national_store_ensure() -> Facility:
    """The national vaccine store, where lots are received before they go to the provinces."""
    store = Facility.objects.filter(kind=Facility.Kind.NATIONAL_STORE).first()
    return store or facility_create(
        actor=None, kind=Facility.Kind.NATIONAL_STORE, code="national-store", unit=None,
        name="Kho vắc xin quốc gia (Dự án Tiêm chủng mở rộng quốc gia)",
    )


@transaction.atomic
def load_reference_data() -> LoadResult:
    load_administrative_units()
    load_population()
    load_priority_groups()
    load_vaccines()
    roles_sync_groups()
    national_store_ensure()
    counts = {level: AdministrativeUnit.objects.filter(level=level).count() for level in Level.values}
    return LoadResult(
        provinces=counts[Level.PROVINCE],
        districts=counts[Level.DISTRICT],
        wards=counts[Level.WARD],
        priority_groups=PriorityGroup.objects.count(),
        vaccines=Vaccine.objects.count(),
    )
