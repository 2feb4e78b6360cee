"""Reading JSON bodies: text that cannot be stored is refused before any route sees it."""

from ninja.parser import Parser


class JsonParser(Parser):
    """JSON bodies, refusing text that cannot be stored: a lone surrogate (``\\ud800``) is valid JSON
    but not valid Unicode, and would fail only when written to the database or the audit log."""

    def parse_body(self, request):
        data = super().parse_body(request)
        path = _lone_surrogate(data, ())
        if path is not None:
            raise LoneSurrogate(path)
        return data


class LoneSurrogate(ValueError):
    def __init__(self, path: tuple):
        super().__init__(path)
        self.path = ".".join(str(p) for p in path)


def _lone_surrogate(value, path: tuple) -> tuple | None:
    """The path of the first string (value or key) with a lone surrogate, or None."""
    if isinstance(value, str):
        return path if any("\ud800" <= c <= "\udfff" for c in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _lone_surrogate(key, ()) is not None:
                return path  # the key itself cannot be echoed back; name the object holding it
            found = _lone_surrogate(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, (*path, i))
            if found is not None:
                return found
    return None
