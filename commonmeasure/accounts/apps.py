from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonmeasure.accounts"
    label = "accounts"
    verbose_name = "Sign-in"
