"""One module names the codes on the screens: the templates, the checklist and the audit history read the same
labels."""

from django.utils import translation

from avustus.web import labels
from avustus.web.templatetags import avustus as tags


def test_the_template_filters_read_the_labels_module():
    with translation.override("sv"):
        assert tags.label("too_few_municipalities", "flag") == labels.label("too_few_municipalities", "flag")
        assert str(tags.label("joint_authority", "kind")) == str(labels.KIND_LABELS["joint_authority"])
        assert tags.outcome_label("granted") == labels.outcome_label("granted") != ""
    assert tags.label("no_such_code", "flag") == "no_such_code"
    assert labels.outcome_label("no_such_outcome") == labels.outcome_label(None) == ""


def test_a_check_names_its_excluded_theme_or_has_its_own_label():
    class Exclusion:
        def text(self, lang):
            return {"fi": "Sosiaali- ja terveydenhuolto", "sv": "Social- och hälsovård"}[lang]

    with translation.override("en"):
        assert labels.check_label("exclusion:sote", {"exclusion:sote": Exclusion()}, "sv") == (
            "Not excluded: Social- och hälsovård")
        assert labels.check_label("plan", {}, "fi") == labels.CHECK_LABELS["plan"]


def test_every_basis_of_the_allocation_has_a_label():
    # A basis without one would fail the proposal page.
    from avustus.rules import allocation

    bases = {value for name, value in vars(allocation).items() if name.startswith("BASIS_")}
    assert bases and bases <= set(labels.BASIS_LABELS)
