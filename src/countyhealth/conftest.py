"""Fixtures every app's tests share: a small county with two townships, and users for each role."""

from types import SimpleNamespace

import pytest

from countyhealth.accounts.roles import Role
from countyhealth.accounts.tests.factories import TEST_PASSWORD, UserFactory
from countyhealth.orgs.models import OrgType
from countyhealth.orgs.tests.factories import DepartmentFactory, OrganisationFactory, VillageFactory
from countyhealth.residents.tests.factories import ResidentFactory


@pytest.fixture
def county(db):
    """County hospital (root) → townships A and B → clinics a1, a2 (A) and b1 (B), one village each."""
    hospital = OrganisationFactory(name="县人民医院", org_type=OrgType.COUNTY_HOSPITAL, parent=None)
    township_a = OrganisationFactory(name="东山镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital,
                                     division_code="430124101")
    township_b = OrganisationFactory(name="西河镇卫生院", org_type=OrgType.TOWNSHIP_CENTRE, parent=hospital,
                                     division_code="430124102")
    clinic_a1 = OrganisationFactory(name="东山村卫生室", parent=township_a, division_code="430124101201")
    clinic_a2 = OrganisationFactory(name="南岭村卫生室", parent=township_a, division_code="430124101202")
    clinic_b1 = OrganisationFactory(name="西河村卫生室", parent=township_b, division_code="430124102201")
    return SimpleNamespace(
        hospital=hospital,
        township_a=township_a,
        township_b=township_b,
        clinic_a1=clinic_a1,
        clinic_a2=clinic_a2,
        clinic_b1=clinic_b1,
        village_a1=VillageFactory(name="东山村", clinic=clinic_a1, division_code="430124101201"),
        village_a2=VillageFactory(name="南岭村", clinic=clinic_a2, division_code="430124101202"),
        village_b1=VillageFactory(name="西河村", clinic=clinic_b1, division_code="430124102201"),
        ecg_department=DepartmentFactory(organisation=hospital, code="ECG", name="心电诊断中心", kind="ecg"),
    )


@pytest.fixture
def make_user(db):
    def make(role: Role, organisation, **kwargs):
        return UserFactory.with_role(role, organisation, **kwargs)

    return make


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def users(county, make_user):
    """One user per role, placed where that role works."""
    return SimpleNamespace(
        village_doctor_a1=make_user(Role.VILLAGE_DOCTOR, county.clinic_a1, username="vd_a1"),
        village_doctor_b1=make_user(Role.VILLAGE_DOCTOR, county.clinic_b1, username="vd_b1"),
        township_doctor_a=make_user(Role.TOWNSHIP_DOCTOR, county.township_a, username="td_a"),
        township_doctor_b=make_user(Role.TOWNSHIP_DOCTOR, county.township_b, username="td_b"),
        county_doctor=make_user(Role.COUNTY_DOCTOR, county.hospital, username="county_doc"),
        ecg_reader=make_user(Role.ECG_READER, county.hospital, username="ecg_reader",
                             department=county.ecg_department),
        radiologist=make_user(Role.RADIOLOGIST, county.hospital, username="radiologist"),
        lab_technician=make_user(Role.LAB_TECHNICIAN, county.hospital, username="lab_tech"),
        public_health_officer=make_user(Role.PUBLIC_HEALTH_OFFICER, county.hospital, username="ph_officer"),
        admin=make_user(Role.CONSORTIUM_ADMIN, county.hospital, username="admin", is_staff=True),
        bureau_viewer=make_user(Role.BUREAU_VIEWER, county.hospital, username="bureau"),
    )


@pytest.fixture
def make_resident(db):
    def make(village, **kwargs):
        return ResidentFactory(village=village, **kwargs)

    return make
