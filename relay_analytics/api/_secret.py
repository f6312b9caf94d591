"""A wrapper that keeps the API key out of every repr, str and log line."""

from __future__ import annotations


class Secret:
    """A secret string: ``repr`` and ``str`` show ``***``; only ``reveal()`` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself; call it only where the value goes on the wire."""
        return self._value

    def __repr__(self) -> str:
        return "***"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the key into a file or a process pipe without anyone noticing.
        raise TypeError("a Secret cannot be pickled")
