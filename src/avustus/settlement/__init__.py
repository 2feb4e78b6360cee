"""Settlement, return and recovery: the money after the final report.

For now the reference rates of the Interest Act (``ReferenceRate``, shipped in ``data/`` and loaded by a
migration), the interest on a returned grant (``interest.py``, over ``rules.interest``) and the commands
``avustus interest`` and ``avustus reference-rate``.
"""
