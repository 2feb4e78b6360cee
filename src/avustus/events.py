"""What happened, announced to whoever listens: signals the stage services send, defined here, low.

A stage (applications, decisions, ...) may not import the packages after it, messaging among them, so it
does not call them: its service sends one of these signals inside the transaction of the change, and the
listeners (``avustus.messaging.receivers``) write what follows from it (an outbox message, a task) in
that same transaction. A change that rolls back takes what its listeners wrote with it.

Each signal is sent with ``sender`` the model class and keyword arguments named below; ``actor`` is the
user or ``avustus.actors.SYSTEM``. ``language`` is optional everywhere: the language the actor was using
(a listener falls back to the organisation's, then to Finnish).

A leaf module: it imports nothing of this project, so any package may import it.
"""

from django.dispatch import Signal

# application=, actor=, language=None
application_submitted = Signal()
# application=, actor=, language=None
application_withdrawn = Signal()
# decision=, actor=: a decision is signed in Avustus (``decisions.signing.seal``) or a round taken outside
# Avustus is imported (``decisions.round_import``); its outcomes are final from here on.
decision_signed = Signal()
# decision=, actor=: a signed decision's documents are stored, so letters that carry them may go out. Sent by
# the task that stores them (``decisions.signing.store_documents``, run by the worker), inside its transaction,
# once per decision, with ``actor`` SYSTEM (the signer is ``decision.decision_maker``). Never sent for an
# imported round (its letters went out when it was made).
decision_documents_ready = Signal()
# request=, actor=: a rectification request (``evaluation.RectificationRequest``) was registered
# (``decisions.rectification.register_request``).
rectification_requested = Signal()
# request=, decision=, actor=: a rectification request was decided by ``decision``, a new signed decision
# (``decisions.rectification.decide``); its own letter follows on ``decision_documents_ready``.
rectification_decided = Signal()

# The funded project's follow-up (reports/, payments/), each sent inside the service's transaction.
# report=, actor=: an interim report was filed (``reports.services.submit_report``), first or again after return.
report_submitted = Signal()
# report=, actor=: an official accepted a filed report (``reports.services.accept_report``).
report_accepted = Signal()
# report=, actor=: an official returned a report for completion, its ``review_reasons`` saying why.
report_returned = Signal()
# application=, actor=: the lead applied for an instalment (``payments.services.apply_for_payment``);
# ``application`` is a ``payments.PaymentApplication``.
payment_application_submitted = Signal()
# application=, actor=: an official accepted or rejected a payment application (its ``status`` says which).
payment_application_decided = Signal()
# application=, actor=: a payment was recorded as made (``payments.services.record_payment``).
payment_made = Signal()

# The final report and the settlement (reports/final.py, settlement/), each sent inside the service's transaction.
# report=, actor=: the lead filed the final report, or filed it again after it was returned
# (``reports.final.submit_final_report``): the programme's officials review it.
final_report_submitted = Signal()
# report=, part=, actor=: an official returned the final report (``reports.final.return_final_report``) from
# its ``part`` ("content" or "finances"), its ``review_reasons`` saying why.
final_report_returned = Signal()
# report=, actor=: both reviews accepted the final report (``reports.final.accept_final_report``).
final_report_accepted = Signal()
# settlement=, actor=: a second official approved a settlement (``settlement.services.approve_settlement``).
settlement_approved = Signal()
# Change requests to a funded project (``changes.services``), each sent inside the service's transaction.
# request=, actor=: the lead asked for a change (``submit_request``); ``request`` is a ``changes.ChangeRequest``.
change_request_submitted = Signal()
# request=, actor=: a change request was rejected (``reject_request``) or confirmed as an amending decision
# (``confirm_request``: ``request.decision`` is the signed ``ChangeDecision``); its ``status`` says which.
change_request_decided = Signal()
# Recovery (settlement.recovery), each sent inside the service's transaction; ``recovery`` a
# ``settlement.Recovery``.
# recovery=, actor=: an official started a recovery case and asked the recipient to be heard by its deadline
# (``settlement.recovery.start_recovery``).
recovery_hearing_requested = Signal()
# recovery=, actor=: a second official signed the recovery decision (``settlement.recovery.sign_recovery``).
recovery_decided = Signal()
# waiver=, actor=: a second person confirmed a section 26 waiver of a recovery decision
# (``settlement.waivers.confirm_waiver``); ``waiver`` a ``settlement.RecoveryWaiver``, now in force.
recovery_waived = Signal()
# A user's own address (``accounts.contacts``), each sent inside the service's transaction; ``contact`` an
# ``accounts.ContactDetails``.
# contact=, actor=, language=None: the address is to be confirmed: a link that marks it verified goes to it
# (``update_contact`` on a new address, ``send_confirmation`` when the user asks for the link again).
address_confirmation_requested = Signal()
# contact=, previous=, actor=, language=None: the address was changed from ``previous``, which is told so.
address_changed = Signal()
