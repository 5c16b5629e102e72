"""csc-demand: model demand for children's social care from Ofsted Annex A lists.

The package is layered; data flows one way:

    files → io (AnnexA: clean tables + quality report) → model (Estimates → Forecast) → report / cli / app

The core (``io``, ``tables``, ``synth``, ``model``, ``scenario``, ``report``) never imports the CLI or the app.
"""

__version__ = "0.1.0"
