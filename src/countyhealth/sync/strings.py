"""The phone app's words, translated on the server and handed to app.js as JSON (the shell page is cached by
the service worker in the language it was opened in). Labels the platform already has are reused."""

from django.utils.translation import gettext as _

from countyhealth.familydoctor.models import Contract
from countyhealth.publichealth.rules import Programme, VisitMode


def app_strings() -> dict[str, str]:
    words = {
        "address": _("Address"), "adr": _("Adverse drug reaction"),
        "adr_uncontrollable": _("Adverse reaction cannot be controlled"), "birth_date": _("Date of birth"),
        "child_visit": _("Child health visit"), "clear": _("Clear"), "complication": _("New or worse complication"),
        "contracts": _("Family-doctor contracts"), "danger_signs": _("Danger signs"),
        "dbp": _("Diastolic BP (mmHg)"), "device_name": _("Name of this phone"), "discard": _("Discard"),
        "discard_confirm": _("Discard this change? It will not reach the platform."), "due_list": _("Due list"),
        "edit": _("Edit"), "enrolments": _("Programmes"), "female": _("Female"), "fix": _("Fix"),
        "followups": _("Visits"), "fpg": _("Fasting glucose (mmol/L)"), "from_id": _("From the ID number"),
        "guidance": _("Guidance"), "haemoglobin": _("Haemoglobin (g/L)"),
        "head_circumference": _("Head circumference (cm)"), "heart_rate": _("Heart rate (/min)"),
        "height": _("Height (cm)"), "home": _("Home"), "id_number": _("ID number"),
        "keep_phone": _("Keep the phone's value"), "keep_server": _("Keep the platform's value"),
        "lactating": _("Breastfeeding"), "last_sync": _("Last sync:"), "length": _("Length/height (cm)"),
        "login": _("Log in"), "login_title": _("Log in on this phone"), "logout": _("Log out"),
        "logout_unsent": _("Some changes have not reached the platform and will be lost. Log out anyway?"),
        "male": _("Male"), "mode": _("Visit mode"), "name": _("Name"), "need_attention": _("need attention"),
        "next_due": _("next due"), "notes": _("Notes"), "offline": _("Offline"), "online": _("Online"),
        "other_unmanageable": _("Another condition the clinic cannot handle"),
        "packages": _("Service packages"), "password": _("Password"), "phone": _("Phone"),
        "pregnant": _("Pregnant"), "provisional": _("provisional"),
        "provisional_classification": _("Provisional classification (the platform confirms it at sync)"),
        "queue": _("Changes to send"), "random_glucose": _("Random glucose (mmol/L)"),
        "register": _("Register a resident"), "renew": _("Renew"), "renewal": _("Renewal"),
        "residents_on_phone": _("residents on this phone"), "resolve": _("Save my choice"), "retry": _("Retry"),
        "revoked": _("This phone was signed out by the platform (revoked or expired); its data was cleared."),
        "save": _("Save on the phone"), "sbp": _("Systolic BP (mmHg)"), "search": _("Search residents"),
        "search_placeholder": _("Name, pinyin initials or ID number"), "sent": _("Sent"),
        "server_decision": _("the platform's decision"), "sex": _("Sex"),
        "sign_contract": _("Sign a family-doctor contract"), "signature": _("Signature"),
        "signature_missing": _("The signature is missing: ask the resident or guardian to sign."),
        "signer": _("Signed by"), "signer_guardian": _("Guardian or family member"),
        "signer_name": _("Name of the signer"), "signer_resident": _("The resident"), "start_date": _("Start date"),
        "sync": _("Sync"), "sync_failed": _("Sync failed:"), "syncing": _("Syncing…"), "team": _("Team"),
        "temperature": _("Temperature (℃)"), "username": _("User name"), "village": _("Village"),
        "visit_date": _("Visit date"), "weight": _("Weight (kg)"),
        "status_waiting": _("Waiting"), "status_sending": _("Sending"), "status_failed": _("Refused"),
        "status_conflict": _("Conflict"), "status_synced": _("Synced"),
        "kind_followup": _("Follow-up"), "kind_child_visit": _("Child health visit"),
        "kind_register_resident": _("New resident"), "kind_sign_contract": _("New contract"),
        "kind_renew_contract": _("Contract renewal"), "kind_update_resident": _("Resident details"),
        "kind_elderly_check": _("Elderly health check"), "elderly_check": _("Elderly health check"),
        "sbp_left": _("Left arm systolic BP (mmHg)"), "dbp_left": _("Left arm diastolic BP (mmHg)"),
        "sbp_right": _("Right arm systolic BP (mmHg)"), "dbp_right": _("Right arm diastolic BP (mmHg)"),
        "waist": _("Waist (cm)"), "self_rated_health": _("Self-rated health"), "self_care": _("Self-care ability"),
        "self_care_score": _("Self-care score"), "self_care_unanswered": _("Answer the five self-care items."),
        "cognition_screen": _("Cognitive screen"), "mmse_score": _("MMSE score (if the screen is positive)"),
        "mood_screen": _("Mood screen"), "depression_score": _("Depression score (if the screen is positive)"),
    }
    words |= {f"programme_{p.value}": str(p.label) for p in Programme}
    words |= {f"followup_{p.value}": _("%(programme)s follow-up") % {"programme": p.label}
              for p in (Programme.HYPERTENSION, Programme.DIABETES)}
    words |= {f"mode_{m.value}": str(m.label) for m in VisitMode}
    words |= {f"contract_{value}": str(label) for value, label in Contract.Status.choices}
    return words
