"""How long the name resolver takes to read every municipality in every way a document writes it.

Resolves each municipality of the shipped registry in the forms decisions use (Finnish and Swedish
names, genitives, "... kaupungille", "... kommun") and, with ``--slips``, with one letter dropped, which
takes the slower path of the edit-distance search. Prints the number of names, the total time and the
time per name of the fastest of ``--repeat`` runs. Nothing is asserted: figures depend on the machine
(the tests check that every form resolves, not how fast).

    uv run python benchmarks/resolver.py
    uv run python benchmarks/resolver.py --slips --repeat 5
"""

import argparse
import time

from avustus.registry.resolver import load_registry

FORMS = [
    "{name_fi}", "{name_sv}", "{genitive}", "{genitive} kaupunki", "{genitive} kunta", "{genitive} kaupungille",
    "{genitive} kunnalle", "{genitive} kaupungin", "{genitive} kunnan", "{name_sv} stad", "{name_sv} kommun",
    "{genitive} {form}", "{name_fi} {form}",
]


def names(registry, slips: bool) -> list[str]:
    found = []
    for body in registry.municipalities():
        for form in FORMS:
            name = form.format(name_fi=body.name_fi, name_sv=body.name_sv, genitive=body.genitive_fi,
                               form=body.municipal_form)
            found.append(name[:2] + name[3:] if slips and len(name) > 4 else name)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", action="store_true", help="drop one letter of each name")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest is reported")
    args = parser.parse_args()
    start = time.perf_counter()
    registry = load_registry()
    loaded = time.perf_counter() - start
    queries = names(registry, args.slips)
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for name in queries:
            registry.resolve(name)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    print(f"registry loaded in {loaded:.3f} s")
    print(f"{len(queries)} names{' with a slip' if args.slips else ''}: {best:.3f} s, "
          f"{best / len(queries) * 1e6:.0f} µs a name (fastest of {args.repeat})")


if __name__ == "__main__":
    main()
