"""Reading JSON bodies: text that cannot be stored is refused before any route sees it."""

from ninja.parser import Parser


class JsonParser(Parser):
    """JSON bodies, refusing text that cannot be stored: a lone surrogate (``\\ud800``) is valid JSON
    but not valid Unicode, and the NUL character (``\\u0000``) is valid JSON that PostgreSQL refuses in text
    and in the audit log's JSON; either would fail only when written, as a 500 (or, on SQLite, be stored). The
    screens' forms are refused the same at the door (``web.middleware.RefuseNulCharacters``)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        path = _find(data, (), _is_surrogate)
        if path is not None:
            raise LoneSurrogate(path)
        path = _find(data, (), _has_nul)
        if path is not None:
            raise NulCharacter(path)
        return data


class UnstorableText(ValueError):
    """A string (value or key) of the body cannot be stored; ``path`` names where, dot-separated."""

    def __init__(self, path: tuple):
        super().__init__(path)
        self.path = ".".join(str(p) for p in path)


class LoneSurrogate(UnstorableText):
    pass


class NulCharacter(UnstorableText):
    pass


def _is_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _find(value, path: tuple, bad) -> tuple | None:
    """The path of the first string (value or key) that is ``bad``, or None."""
    if isinstance(value, str):
        return path if bad(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _find(key, (), bad) is not None:
                return path  # the key itself cannot be echoed back; name the object holding it
            found = _find(item, (*path, key), bad)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _find(item, (*path, i), bad)
            if found is not None:
                return found
    return None
