from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shiyu.demo"
    label = "demo"
    verbose_name = "Demo data"
