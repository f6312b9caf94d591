"""``relay-analytics submit``."""
