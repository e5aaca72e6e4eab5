"""The command on an empty database, and the generator without one."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from countyhealth.demo.county import COUNTY_CODE, plan_county
from countyhealth.demo.people import PeopleGenerator, allocate
from countyhealth.demo.seed import DEMO_PASSWORD
from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

AS_OF = date(2026, 3, 1)


@pytest.mark.django_db
def test_the_command_seeds_an_empty_database_and_lists_the_accounts(capsys):
    call_command("seed_demo", "--residents", "300", "--seed", "3", "--quiet")
    out = capsys.readouterr().out
    assert Resident.objects.count() == 300
    assert DEMO_PASSWORD in out
    for username in ("admin", "bureau", "ecg1", "radiologist", "lab", "county_doc", "cdc", "td_qingxi",
                     "ph_longtian", "vd_001"):
        assert username in out
    assert "vd_115" in out


@pytest.mark.django_db
def test_the_command_refuses_a_negative_count():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--residents", "-1")
    assert not Organisation.objects.exists()


def _people(seed: int, residents: int = 400):
    plan = plan_county(seed)
    generator = PeopleGenerator(seed, as_of=AS_OF, address_code=COUNTY_CODE)
    quotas = allocate(residents, [v.weight for v in plan.villages])
    return [(v.name, p.name, p.id_number, p.phone) for v, q in zip(plan.villages, quotas, strict=True)
            for p in generator.village(v, q).people()]


def test_generation_is_deterministic_for_a_seed():
    assert _people(5) == _people(5)
    assert _people(5) != _people(6)
    assert len(_people(5)) == 400


def test_allocate_splits_exactly():
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(allocate(20000, [0.3, 1.7, 2.2, 0.9])) == 20000
    assert allocate(0, [1, 2]) == [0, 0]
