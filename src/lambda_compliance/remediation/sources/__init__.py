"""The source of every SSM Automation document: one module per document, plus ``_shared``.

A document module holds ``DOCUMENT`` (its name, what it does, its parameters) and
the ``handler(events, context)`` its single ``aws:executeScript`` step runs.
SSM scripts cannot import this project, so ``build`` copies into each document's
Script the ``_shared`` definitions that module imports (and what those use), and
writes ``templates/ssm/<name>.yaml``; a test keeps the committed YAML in sync.
"""
