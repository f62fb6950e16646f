"""Realistic demo data: `csops demo` loads it through the services (see loader.py).

catalog.py (the cast), texts.py and replies.py (what people write), samples.py (optional
real customer wording from public data sets), plan.py (the story: when tickets arrive and
what happens to them), loader.py (writing it all, with historical timestamps).
"""
