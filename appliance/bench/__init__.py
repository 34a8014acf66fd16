"""Benchmarks and evaluations of the box (``clinicbox bench …``, ``tests/bench``).

Not imported by product code (an import-linter contract keeps it so): measuring the product
never changes what it does. One module per area: store, llm, api (LAN), sync, tui, speech,
assistant (+ assistant_eval, the answer-quality evaluation).
"""
