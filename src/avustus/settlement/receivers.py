"""The settlement stage listening to the payments stage: a project settled with a last instalment closes when
that instalment is paid, in the payment's own transaction (``events.payment_made`` is sent inside it, with the
project's row locked), so that payments never imports this package."""

from avustus import events


def on_payment_made(sender, *, application, actor, **kwargs) -> None:
    from avustus.settlement.services import close_after_last_instalment

    close_after_last_instalment(application.project, actor)


def connect() -> None:
    events.payment_made.connect(on_payment_made, dispatch_uid="settlement.payment_made")
