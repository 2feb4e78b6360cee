"""The questions the screening, evaluation and decision services ask (accounts.permissions, 'deciding' section)."""

import pytest
from django.contrib.auth import get_user_model

from avustus.accounts.models import Role
from avustus.accounts.permissions import (
    can_review,
    check_decides,
    check_not_presenter,
    check_own_assignment,
    check_prepares,
)
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.errors import NotAllowed, NotFound
from avustus.evaluation import screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(round_2020):
    programme = round_2020.programme
    made = {}
    for name, role in (("virkailija", Role.OFFICIAL), ("paattaja", Role.DECISION_MAKER), ("arvioija", Role.REVIEWER)):
        made[name] = get_user_model().objects.create(username=name)
        grant_role(made[name], role, actor=SYSTEM, programme=programme)
    return programme, made


def test_officials_prepare_and_decision_makers_decide_and_no_one_else(people):
    programme, made = people
    check_prepares(made["virkailija"], programme, "x")
    check_decides(made["paattaja"], programme, "x")
    with pytest.raises(NotAllowed, match="no"):
        check_prepares(made["paattaja"], programme, "no")
    with pytest.raises(NotAllowed):
        check_decides(made["virkailija"], programme, "no")
    assert can_review(made["arvioija"], programme) and not can_review(made["virkailija"], programme)


def test_the_system_prepares_as_commands_do_but_never_decides(people):
    programme, _made = people
    check_prepares(SYSTEM, programme, "x")
    with pytest.raises(NotAllowed):
        check_decides(SYSTEM, programme, "a decision needs a person")


def test_no_actor_is_a_programming_error_not_a_refusal(people, round_2020):
    programme, _made = people
    for check in (check_prepares, check_decides):
        with pytest.raises(TypeError):
            check(None, programme, "x")
    with pytest.raises(TypeError):
        screening.recompute_flags(round_2020, actor=None)


def test_the_presenter_never_signs_and_a_reviewer_acts_only_on_their_own_assignment(people):
    _programme, made = people
    with pytest.raises(NotAllowed):
        check_not_presenter(made["paattaja"], made["paattaja"].pk, "four eyes")
    check_not_presenter(made["paattaja"], made["virkailija"].pk, "four eyes")
    check_not_presenter(made["paattaja"], None, "nobody presented (an imported decision)")

    class Assigned:
        reviewer_id = made["arvioija"].pk

    check_own_assignment(made["arvioija"], Assigned())
    for other in (made["virkailija"], SYSTEM):
        with pytest.raises(NotFound):
            check_own_assignment(other, Assigned())


def test_each_question_a_screen_asks_answers_as_its_check_refuses(people):
    """``can_prepare``/``can_decide``/``can_sign_decision`` say yes exactly where ``check_prepares``,
    ``check_decides`` and ``check_not_presenter`` let the actor through: the screens offer what the services do."""
    from avustus.accounts.permissions import can_decide, can_prepare, can_sign_decision

    programme, made = people
    both = get_user_model().objects.create(username="molemmat")
    for role in (Role.OFFICIAL, Role.DECISION_MAKER):
        grant_role(both, role, actor=SYSTEM, programme=programme)
    actors = [SYSTEM, both, *made.values()]

    def passes(check, *args) -> bool:
        try:
            check(*args)
        except NotAllowed:
            return False
        return True

    for actor in actors:
        assert can_prepare(actor, programme) == passes(check_prepares, actor, programme, "x")
        assert can_decide(actor, programme) == passes(check_decides, actor, programme, "x")
        for presenter in actors:
            signs = (passes(check_decides, actor, programme, "x")
                     and passes(check_not_presenter, actor, presenter.pk, "x"))
            assert can_sign_decision(actor, programme, presenter.pk) == signs
    assert [a.username for a in made.values() if can_sign_decision(a, programme, both.pk)] == ["paattaja"]
    assert not can_sign_decision(both, programme, both.pk) and can_sign_decision(both, programme, None)
    assert not can_sign_decision(SYSTEM, programme, None)  # a decision needs a person
