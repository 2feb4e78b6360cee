"""The languages of collective decisions: one module per language (``fi``, ``sv``), each holding the
phrases the documents write and the vocabulary the importer reads them back with, so that a phrase is
defined once for both (see ``base``). Adding a language means adding a module and listing it here.

Pure Python, no Django: the document builder (``decisions.documents``) and the importer
(``decisions.importing``) both import this package, and it imports neither.
"""

from avustus.decisions.vocabulary import fi, sv
from avustus.decisions.vocabulary.base import Phrases, Vocabulary

# In order of preference: where a text could be read in two languages, the first wins.
PHRASES: dict[str, Phrases] = {"fi": fi.PHRASES, "sv": sv.PHRASES}
VOCABULARIES: dict[str, Vocabulary] = {"fi": fi.VOCABULARY, "sv": sv.VOCABULARY}
