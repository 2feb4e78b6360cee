"""The programme's rules as plain functions: money, rounding, aid rate and the like.

Nothing here imports Django, so that the rules can be read, tested and reused on their own.
"""
