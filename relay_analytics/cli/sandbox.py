"""``relay-analytics sandbox``."""
