from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "countyhealth.demo"
    label = "demo"
