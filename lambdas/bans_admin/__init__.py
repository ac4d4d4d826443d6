"""Admin operations on bans: read an account's ban, lift it early."""
