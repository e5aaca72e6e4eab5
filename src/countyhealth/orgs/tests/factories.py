import factory

from countyhealth.orgs.models import Department, Organisation, OrgType, Village


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    org_type = OrgType.VILLAGE_CLINIC
    division_code = "430124"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory, org_type=OrgType.COUNTY_HOSPITAL)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"科室{n}")
    kind = "clinical"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    division_code = factory.Sequence(lambda n: f"430124{100 + n // 100:03d}{101 + n % 100:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    clinic = factory.SubFactory(OrganisationFactory)
