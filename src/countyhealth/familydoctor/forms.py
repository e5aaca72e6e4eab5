"""Input shape for the family-doctor pages. Rules live in the actions; their errors land on these fields."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.models import User
from countyhealth.core import forms as core_forms
from countyhealth.orgs.models import Organisation, OrgType, Village

from . import rules
from .actions import MemberData, SignatureData, TeamData
from .models import Contract, FamilyDoctorTeam, ServicePackage, TeamMember

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Action field names that differ from the forms'.
ACTION_TO_FORM_FIELD = {"team_id": "team_doctor", "doctor_id": "doctor", "package_ids": "packages",
                        "organisation_id": "organisation", "village_ids": "villages"}


class ActionErrorsMixin(core_forms.ActionErrorsMixin):
    def form_field_for(self, action_field: str) -> str:
        target = ACTION_TO_FORM_FIELD.get(action_field, action_field)
        return "doctor" if target == "team_doctor" and "team_doctor" not in self.fields else target


class PackageChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, package):
        return _("%(name)s · resident pays %(amount)s yuan a year") % {
            "name": package.name, "amount": package.resident_amount}


class SignatureFields(forms.Form):
    signer = forms.ChoiceField(label=_("Signed by"), choices=Contract.Signer.choices, initial=Contract.Signer.RESIDENT)
    signed_by_name = forms.CharField(label=_("Name of the signer"), max_length=50,
                                     help_text=_("The resident, or the guardian or family member signing for them."))
    # Filled by signature.js from the canvas; checked (PNG, size) by the action.
    signature = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-signature-input": ""}),
                                max_length=rules.SIGNATURE_MAX_CHARS)

    def signature_data(self) -> SignatureData:
        d = self.cleaned_data
        return SignatureData(signer=d["signer"], signed_by_name=d["signed_by_name"], signature=d["signature"])


def _offered_packages():
    return ServicePackage.objects.filter(is_active=True).order_by("sort_order", "code")


class ContractSignForm(ActionErrorsMixin, SignatureFields):
    team_doctor = forms.ChoiceField(label=_("Team and responsible doctor"))
    packages = PackageChoiceField(label=_("Service packages"), queryset=ServicePackage.objects.none())
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET, required=False,
                               help_text=_("Leave empty for one year (签约周期一年)."))

    field_order = ["team_doctor", "packages", "start_date", "end_date", "signer", "signed_by_name", "signature"]

    def __init__(self, *args, user, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["packages"].queryset = _offered_packages()
        members = (TeamMember.objects.filter(
            team__in=FamilyDoctorTeam.objects.visible_to(user).filter(is_active=True, villages=resident.village_id),
            role__in=rules.RESPONSIBLE_TEAM_ROLES,
        ).select_related("team", "user").order_by("team__name", "-is_lead", "id"))
        # The village doctor of the resident's own clinic first, then the GPs; village doctors of other clinics
        # are left out of the list (the action would accept them, but nobody signs for another village).
        clinic_id = resident.village.clinic_id
        members = sorted((m for m in members if m.role != TeamMember.Role.VILLAGE_DOCTOR
                          or m.user.organisation_id == clinic_id),
                         key=lambda m: (m.team.name, m.role != TeamMember.Role.VILLAGE_DOCTOR, not m.is_lead))
        self.fields["team_doctor"].choices = [("", _("— select —"))] + [
            (f"{m.team_id}:{m.user_id}", f"{m.team.name} · {m.user.display_name} ({m.get_role_display()})")
            for m in members
        ]
        if not self.is_bound and resident.name:
            self.initial.setdefault("signed_by_name", resident.name)

    def team_and_doctor(self) -> tuple[int, int]:
        team_id, doctor_id = self.cleaned_data["team_doctor"].split(":")
        return int(team_id), int(doctor_id)


class ContractRenewForm(ActionErrorsMixin, SignatureFields):
    doctor = forms.TypedChoiceField(label=_("Responsible doctor"), coerce=int)
    packages = PackageChoiceField(label=_("Service packages"), queryset=ServicePackage.objects.none())
    end_date = forms.DateField(label=_("End date"), widget=DATE_WIDGET, required=False,
                               help_text=_("Leave empty for one year (签约周期一年)."))

    field_order = ["doctor", "packages", "end_date", "signer", "signed_by_name", "signature"]

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["packages"].queryset = _offered_packages()
        members = (contract.team.members.filter(role__in=rules.RESPONSIBLE_TEAM_ROLES).select_related("user")
                   .order_by("-is_lead", "id"))
        self.fields["doctor"].choices = [(m.user_id, f"{m.user.display_name} ({m.get_role_display()})")
                                         for m in members]
        if not self.is_bound:
            self.initial.setdefault("doctor", contract.doctor_id)
            self.initial.setdefault("packages", [cp.package_id for cp in contract.contract_packages.all()])
            self.initial.setdefault("signed_by_name", contract.signed_by_name)
            self.initial.setdefault("signer", contract.signer)


class ContractTerminateForm(ActionErrorsMixin, forms.Form):
    terminated_on = forms.DateField(label=_("Last day of service"), widget=DATE_WIDGET,
                                    help_text=_("The contract is in force up to and including this day. The day "
                                                "before the start date voids a contract not yet in force."))
    reason = forms.ChoiceField(label=_("Reason for termination"), choices=Contract.TerminationReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TeamForm(ActionErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    phone = forms.CharField(label=_("Service phone"), max_length=20, required=False)
    villages = forms.TypedMultipleChoiceField(label=_("Villages served"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Team is active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = list(team_organisations(user))
        self.fields["organisation"].choices = [("", _("— select —"))] + [(o.pk, o.name) for o in orgs]
        if len(orgs) == 1 and not self.is_bound:
            self.initial.setdefault("organisation", orgs[0].pk)
        paths = [o.path for o in orgs]
        villages = Village.objects.filter(clinic__in=Organisation.objects.filter(
            _path_prefixes(paths))).select_related("clinic").order_by("division_code") if paths else []
        self.fields["villages"].choices = [(v.pk, f"{v.name}（{v.clinic.name}）") for v in villages]


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Member"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(label=_("Team role"), choices=TeamMember.Role.choices, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    is_lead = forms.BooleanField(label=_("Team lead"), required=False)

    def __init__(self, *args, user_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("— none —")), *user_choices]

    def clean(self):
        data = super().clean()
        if data.get("user") and not data.get("role"):
            self.add_error("role", _("Select the member's team role."))
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    def members(self) -> list[MemberData]:
        return [MemberData(user_id=f.cleaned_data["user"], role=f.cleaned_data["role"],
                           is_lead=f.cleaned_data["is_lead"], phone=f.cleaned_data["phone"])
                for f in self.forms if f.cleaned_data.get("user")]


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=3, max_num=30,
                                      validate_max=True)


def member_formset(user, data=None, *, team=None):
    initial = None
    if team is not None:
        initial = [{"user": m.user_id, "role": m.role, "phone": m.phone, "is_lead": m.is_lead}
                   for m in team.members.all()]
    return MemberFormSet(data, initial=initial, prefix="members",
                         form_kwargs={"user_choices": member_user_choices(user)})


def team_data(form: TeamForm, formset) -> TeamData:
    d = form.cleaned_data
    return TeamData(name=d["name"], organisation_id=d["organisation"], village_ids=d["villages"],
                    members=formset.members(), phone=d["phone"], is_active=d["is_active"])


def team_initial(team: FamilyDoctorTeam) -> dict:
    return {"name": team.name, "organisation": team.organisation_id, "phone": team.phone,
            "villages": [v.pk for v in team.villages.all()], "is_active": team.is_active}


def team_organisations(user):
    """Township centres and village clinics a team manager may give a team to."""
    scope = scope_for(user)
    qs = Organisation.objects.filter(is_active=True, org_type__in=[OrgType.TOWNSHIP_CENTRE, OrgType.VILLAGE_CLINIC])
    if not scope.everything:
        qs = qs.filter(pk__in=scope.org_ids)
    return qs.order_by("path")


def _path_prefixes(paths) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def member_user_choices(user) -> list[tuple[int, str]]:
    """Staff who may join a team the user manages: in the user's area or above it (county specialists)."""
    own = user.organisation
    if own is None:
        return []
    ancestors = [own.path[:i] for i in range(3, len(own.path) + 1, 4)]
    scope = scope_for(user)
    where = Q(organisation__path__in=ancestors)
    if scope.everything:
        where = Q()
    else:
        where |= Q(organisation_id__in=scope.org_ids)
    staff = (User.objects.filter(where, is_active=True, is_system=False, role__in=rules.MEMBER_USER_ROLES)
             .select_related("organisation").order_by("organisation__path", "full_name", "username"))
    return [(u.pk, f"{u.display_name} · {u.get_role_display()} · {u.organisation.name}") for u in staff]
