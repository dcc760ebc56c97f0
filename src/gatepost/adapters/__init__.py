"""One module per agent: ``parse(payload) -> Action`` and ``render(decision, action) -> Reply``."""
