"""Reactivation: a BannedAccounts item deleted by TTL reactivates its account, once."""
