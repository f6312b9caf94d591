"""relay_analytics: EED consumption data toolkit for the Relay API."""
