from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "countyhealth.audit"
    label = "audit"
