"""Registration mailing: one welcome email per user, written to an outbox table (never sent here)."""
