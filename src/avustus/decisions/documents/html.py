"""A decision ``Document`` as an accessible, self-contained HTML page: the primary form of the document."""

from html import escape

from avustus.decisions.documents.model import BulletList, Document, Entry, Heading, Paragraph, Signatures, Table

STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
header p { margin: 0; } .date { text-align: right; }
h1 { font-size: 1.3rem; margin-top: 2rem; } h2 { font-size: 1.1rem; margin-top: 1.75rem; } h3 { font-size: 1rem; }
.entry { padding-left: 2em; text-indent: -2em; }
.signatures { display: flex; gap: 4rem; margin-top: 3rem; } .signatures p { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { border-bottom: 1px solid #bbb; padding: .3rem; text-align: left; vertical-align: top; }
.num { text-align: right; white-space: nowrap; } tfoot td { font-weight: 700; }
section.appendix { break-before: page; }
"""  # noqa: E501 (one rule a line, as a reader of CSS expects; the hash of this text is in the CSP)


def render_html(document: Document) -> str:
    e = escape
    return (
        f'<!doctype html>\n<html lang="{e(document.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{e(document.title)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n" + render_body(document) + "\n</body>\n</html>\n"
    )


def render_body(document: Document, *, embedded: bool = False) -> str:
    """The document's header and main part, escaped; ``embedded``: as an article of a page that shows it
    (a preview), with no landmarks or first-level heading of its own."""
    e = escape
    body: list[str] = []
    for block in document.blocks:
        match block:
            case Heading(text=text, level=level):
                body.append(f"<h{level + 1}>{e(text)}</h{level + 1}>")
            case Paragraph(text=text):
                body.append(f"<p>{e(text)}</p>")
            case BulletList(items=items, numbered=numbered):
                tag = "ol" if numbered else "ul"
                body.append(f"<{tag}>" + "".join(f"<li>{e(i)}</li>" for i in items) + f"</{tag}>")
            case Entry(number=number, bold=bold, rest=rest):
                body.append(f'<p class="entry">{number}. <strong>{e(bold)}</strong>{e(rest)}</p>')
            case Signatures(people=people):
                body.append(
                    '<div class="signatures">'
                    + "".join(f"<div><p>{e(name)}</p><p>{e(title)}</p></div>" for name, title in people)
                    + "</div>"
                )
            case Table(title=title, header=header, rows=rows, total=total):
                classes = ("", "", ' class="num"')
                head = "".join(f'<th scope="col"{c}>{e(h)}</th>' for c, h in zip(classes, header, strict=True))
                rows_html = "".join(
                    f"<tr><td>{e(a)}</td><td>{e(p)}</td><td class=\"num\">{e(amount)}</td></tr>"
                    for a, p, amount in rows
                )
                body.append(
                    f'<section class="appendix" aria-labelledby="appendix"><h2 id="appendix">{e(title)}</h2>'
                    f"<table><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody>"
                    f'<tfoot><tr><td colspan="2"></td><td class="num">{e(total)}</td></tr></tfoot></table></section>'
                )
    if embedded:
        return (
            f'<article class="document" lang="{e(document.lang)}"><div class="document-head"><p class="date">'
            f"{e(document.date_text)}</p><p>{e(document.issuer)}</p><p>{e(document.addressees)}</p></div>\n"
            f"<h2>{e(document.title)}</h2>\n" + "\n".join(body) + "\n</article>"
        )
    return (
        f'<header><p class="date">{e(document.date_text)}</p><p>{e(document.issuer)}</p><p>{e(document.addressees)}</p>'
        f"</header>\n<main>\n<h1>{e(document.title)}</h1>\n" + "\n".join(body) + "\n</main>"
    )
