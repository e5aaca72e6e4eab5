from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "countyhealth.core"
    label = "core"
