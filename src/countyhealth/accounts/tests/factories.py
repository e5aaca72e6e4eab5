import factory

from countyhealth.accounts.models import User
from countyhealth.accounts.roles import Role

TEST_PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.VILLAGE_DOCTOR
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def with_role(cls, role: Role, organisation, **kwargs) -> User:
        user = cls(role=role, organisation=organisation, **kwargs)
        user.save()
        return user
