"""The ``podium`` command: tokens, consumers, imports and ``podium run`` for the whole suite."""
