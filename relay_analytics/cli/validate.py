"""``relay-analytics validate``."""
