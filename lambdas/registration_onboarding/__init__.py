"""Registration onboarding: the new user's starter workspace."""
