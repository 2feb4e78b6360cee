from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "avustus.evaluation"
    label = "evaluation"
    verbose_name = "Screening, evaluation and proposal"
    default_auto_field = "django.db.models.BigAutoField"
