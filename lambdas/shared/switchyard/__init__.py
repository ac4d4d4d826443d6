"""Switchyard shared layer: event envelope, schemas, dead-letter reasons, observability."""
