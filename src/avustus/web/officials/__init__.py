"""The officials', reviewers' and decision-makers' screens from call set-up to rectification, a module per step.

Each view reads the request, calls one service or selector, and renders. Who may do what is decided
in the services (and, for what a user may even see, by ``common.official_call``): a page that someone
may not know exists answers 404. A refusal a view shows on its own form (``Invalid``, ``NotAllowed``,
``Conflict`` of ``avustus.errors``) is caught there; any other is answered by ``web.middleware.DomainErrors``.
"""
