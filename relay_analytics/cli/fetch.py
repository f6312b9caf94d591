"""``relay-analytics fetch``."""
