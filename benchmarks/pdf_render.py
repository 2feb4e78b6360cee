"""How long a decision takes to render as a PDF, and how big it is, as the appendix grows.

Builds a synthetic collective decision in Finnish: the usual sections, 30 grant entries and an
appendix of N applications (51 like the 2020 round, and 5,000 as a stress case by default), renders
it with :func:`avustus.decisions.documents.pdf.render_pdf` a few times and prints the time of the
first render, the fastest and the median one, the number of pages and the size of the PDF. The first
render is the honest figure for a new document: Typst memoises layout within a process, so repeating
the same document is faster than rendering a new one. Nothing here is asserted: figures depend on
the machine, so they are for comparing changes on one machine, not for tests.

    uv run python benchmarks/pdf_render.py                 # N = 51 and N = 5000
    uv run python benchmarks/pdf_render.py --rows 300 --repeat 5
"""

import argparse
import platform
import re
import shlex
import statistics
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version

from avustus.decisions.documents.model import (
    BulletList,
    Document,
    Entry,
    Heading,
    Paragraph,
    Signatures,
    Table,
)
from avustus.decisions.documents.pdf import render_pdf, typst_source

NBSP = "\u00a0"  # amounts group their thousands with no-break spaces, as the real documents do
ENTRIES = 30
TIMESTAMP = datetime(2020, 2, 26, 10, 0, tzinfo=UTC)


def _amount(euros: int) -> str:
    return f"{euros:,}".replace(",", NBSP) + ",00"


def build_document(rows: int) -> Document:
    """A decision shaped like the real ones: prose, 30 grants, signatures and an appendix of ``rows``."""
    prose = ("Valtiovarainministeriö voi myöntää valtionavustusta kuntien ja kuntayhtymien "
             "digitalisaatiota edistäviin hankkeisiin, joilla kehitetään toimintatapoja ja palveluja. ")
    entries = tuple(
        Entry(
            n,
            f"Esimerkkikaupungille {n} ja muille hakemuksessa mainituille kunnille "
            f"enintään {_amount(n * 37_500).removesuffix(',00')} euroa",
            f", Digitaalinen palvelupolku {n} -hankkeeseen.",
        )
        for n in range(1, ENTRIES + 1)
    )
    appendix = tuple(
        (f"Kunta {i} / Seutukunnan kuntayhtymä {i % 40}", f"Hanke {i}: sähköiset palvelut ja asiakaspolut",
         _amount(10_000 + (i * 7919) % 490_000))
        for i in range(1, rows + 1)
    )
    total = sum(10_000 + (i * 7919) % 490_000 for i in range(1, rows + 1))
    return Document(
        lang="fi",
        title="Valtionavustuspäätös kuntien digitalisaation kannustinjärjestelmästä",
        date_text="26.2.2020",
        addressees="Jakelussa mainitut",
        issuer="Valtiovarainministeriö",
        blocks=(
            Heading("Taustaa"),
            Paragraph(prose * 4),
            Heading("Avustuksen kohteet"),
            BulletList(("henkilöstökustannukset", "ostopalvelut", "matkakustannukset"), numbered=True),
            Heading("Hakemukset"),
            Paragraph(prose * 2),
            Heading("Päätös ja sen perustelut"),
            Heading("Myönnetyt avustukset", level=2),
            *entries,
            Paragraph(prose),
            Heading("Muutoksenhaku"),
            Paragraph(prose * 3),
            Signatures((("Sirpa Paatero", "Kunta- ja uudistusministeri"),
                        ("Matti Meikäläinen", "Erityisasiantuntija"))),
            Table("Liite 1", ("Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan"), appendix,
                  _amount(total)),
        ),
    )


def page_count(pdf: bytes) -> int:
    """Pages of a Typst PDF: each page is a plain ``/Type /Page`` object (not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def measure(rows: int, repeat: int) -> dict[str, float | int]:
    document = build_document(rows)
    times = []
    processor = []
    pdf = b""
    for _ in range(repeat):
        start, start_processor = time.perf_counter(), time.process_time()
        pdf = render_pdf(document, timestamp=TIMESTAMP)
        times.append(time.perf_counter() - start)
        processor.append(time.process_time() - start_processor)
    # Timed after the renders, so that the first render also pays for what the source's writing keeps for
    # the process (the widths of the appendix's text, documents/lines.py).
    source_start = time.perf_counter()
    typst_source(document)
    source_seconds = time.perf_counter() - source_start
    return {
        "rows": rows,
        "first": times[0],
        "best": min(times),
        "median": statistics.median(times),
        "first_processor": processor[0],
        "processor": statistics.median(processor),
        "source": source_seconds,
        "pages": page_count(pdf),
        "bytes": len(pdf),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[51, 5000],
                        help="appendix sizes to measure (default: 51 5000)")
    parser.add_argument("--repeat", type=int, default=3, help="renders per size (default: 3)")
    args = parser.parse_args(argv)

    print(f"Python {platform.python_version()}, typst {version('typst')}, {platform.machine()} "
          f"{platform.system()}, {ENTRIES} grant entries, PDF/UA-1 tagged")
    print(f"{'rows':>6} {'first s':>8} {'best s':>8} {'median s':>9} {'cpu 1st':>8} {'cpu med':>8} {'source s':>9} "
          f"{'pages':>6} {'bytes':>10}")
    for rows in args.rows:
        r = measure(rows, args.repeat)
        print(f"{r['rows']:>6} {r['first']:>8.3f} {r['best']:>8.3f} {r['median']:>9.3f} {r['first_processor']:>8.3f} "
              f"{r['processor']:>8.3f} "
              f"{r['source']:>9.4f} "
              f"{r['pages']:>6} {r['bytes']:>10,}")
    words = ["uv", "run", "python", "benchmarks/pdf_render.py",
             "--rows", *map(str, args.rows), "--repeat", str(args.repeat)]
    command = " ".join(shlex.quote(word) for word in words)
    print(f"\nReproduce from the repository root with: {command}")


if __name__ == "__main__":
    sys.exit(main())
