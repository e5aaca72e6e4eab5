import datetime as dt

import factory

from countyhealth.residents.models import Household, Resident
from countyhealth.residents.names import search_keys
from countyhealth.residents.rules import make_id_number


class ResidentFactory(factory.django.DjangoModelFactory):
    """A valid resident: ID number agreeing with birth date and sex, search keys filled, catchment from village."""

    class Meta:
        model = Resident

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞"])
    sex = factory.Iterator(["1", "2"])
    # Adults born 1935–1989 whatever the sequence number: forms filled in tests (past illnesses since 2001,
    # say) must not depend on how many residents earlier tests in the same process created.
    birth_date = factory.Sequence(lambda n: dt.date(1935, 1, 1) + dt.timedelta(days=97 * n % 20000))
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(o.village.division_code[:6], o.birth_date, n, o.sex)
    )
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    village = factory.SubFactory("countyhealth.orgs.tests.factories.VillageFactory")
    catchment_org = factory.LazyAttribute(lambda o: o.village.clinic)
    name_normalised = factory.LazyAttribute(lambda o: search_keys(o.name)[0])
    name_pinyin = factory.LazyAttribute(lambda o: search_keys(o.name)[1])
    name_initials = factory.LazyAttribute(lambda o: search_keys(o.name)[2])


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:08d}")
    village = factory.SubFactory("countyhealth.orgs.tests.factories.VillageFactory")
    address = factory.Sequence(lambda n: f"幸福路{n}号")
