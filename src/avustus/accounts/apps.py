from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "avustus.accounts"
    label = "accounts"
