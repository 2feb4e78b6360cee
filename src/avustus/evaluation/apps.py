from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "avustus.evaluation"
    label = "evaluation"
    verbose_name = "Screening, evaluation and proposal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A withdrawal after the proposal was presented sends the proposal back (applications.withdrawal
        # says why this is a hook rather than an import).
        from avustus.applications import withdrawal
        from avustus.evaluation.proposals import lock_proposal, take_out_withdrawn

        withdrawal.register("evaluation.proposal", lock=lock_proposal, withdrawn=take_out_withdrawn)
        # A change to what the stored ranking rests on marks it stale (evaluation.ranking says why).
        from avustus.evaluation import ranking

        ranking.connect()
