"""One module per agent: ``parse(payload) -> Action`` and ``render(decision, action) -> Reply``;
:mod:`gatepost.adapters.registry` names them and finds the one a payload came from."""
