"""A decision ``Document`` as plain text, laid out as the Ministry's decisions are.

The layout is the one the importer reads (date line, addressees, title, headings on lines of their
own, numbered entries with the bold part marked ``**``, Appendix 1 as a tab-separated table), so a
rendered decision can be imported back and compared with the round it came from.
"""

from avustus.decisions.documents.model import BulletList, Document, Entry, Heading, Paragraph, Signatures, Table


def render_text(document: Document) -> str:
    parts = [document.date_text, document.addressees, document.title]
    for block in document.blocks:
        match block:
            case Heading(text=text):
                parts.append(text)
            case Paragraph(text=text):
                parts.append(text)
            case BulletList(items=items, numbered=numbered):
                parts.append("\n".join(f"- {i}) {item}" if numbered else f"- {item}"
                                       for i, item in enumerate(items, start=1)))
            case Entry(number=number, bold=bold, rest=rest):
                parts.append(f"{number}. **{bold}**{rest}")
            case Signatures(people=people):
                parts.append("\n\n\n".join(f"{name}\n{title}" for name, title in people))
            case Table(title=title, header=header, rows=rows, total=total):
                lines = [title, "\t".join(header), *("\t".join(row) for row in rows), f"\t\t{total}"]
                parts.append("\n".join(lines))
    return "\n\n".join(part for part in parts if part) + "\n"
