"""Which language a recipient's or a reader's documents are in. Decisions, letters, settlements and recovery
decisions are written in the two national languages, Finnish and Swedish; every place that picks one of them
for a person, an organisation or a link asks ``document_language``, so that they all pick alike."""

DOCUMENT_LANGUAGES = ("fi", "sv")


def document_language(language: str | None = None, organisation=None) -> str:
    """fi or sv: ``language`` if documents are written in it (the reader's language, a link's or a recipient's
    own choice), else the organisation's (``Organisation.preferred_language``: a bilingual body's majority
    language), else Finnish. English and anything unknown fall back, as documents are not written in them."""
    if language in DOCUMENT_LANGUAGES:
        return language
    if organisation is not None:
        return organisation.preferred_language
    return "fi"
