"""The projects stage listening to the decisions stage: a signed or imported decision's grants become projects."""

from avustus import events


def on_decision_signed(sender, *, decision, actor, **kwargs) -> None:
    from avustus.projects.services import follow_decision

    follow_decision(decision, actor=actor)


def connect() -> None:
    events.decision_signed.connect(on_decision_signed, dispatch_uid="projects.follow_decision")
