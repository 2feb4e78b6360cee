"""The projects stage listening to the decisions stage: a signed or imported decision's grants become projects."""

from avustus import events


def on_decision_signed(sender, *, decision, actor, **kwargs) -> None:
    from avustus.projects.services import follow_decision
    from avustus.projects.tasks import follow_signed_decision

    if decision.signed_in_avustus:
        # Signed here: the signature returns at once and a task makes the projects. Enqueued in the signing
        # transaction, like the documents' task: a signature that rolls back leaves no task, a committed one has it.
        follow_signed_decision.enqueue(decision.pk)
    else:
        # Imported (or the demo's history): a decision signed long ago, whose projects the command's user and the
        # demo expect when it returns; made now, in bulk, in the import's transaction.
        follow_decision(decision, actor=actor)


def connect() -> None:
    events.decision_signed.connect(on_decision_signed, dispatch_uid="projects.follow_decision")
