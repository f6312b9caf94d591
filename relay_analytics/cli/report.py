"""``relay-analytics report``."""
