from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    organisation_id: int | None
    organisation_name: str | None


@router.get("/me", response=MeOut, summary="The signed-in user, role and organisation")
def me(request):
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        role_label=str(user.get_role_display()),
        organisation_id=user.organisation_id,
        organisation_name=user.organisation.name if user.organisation else None,
    )
