"""Registration analytics: sign-ups per day and source, each user counted exactly once."""
