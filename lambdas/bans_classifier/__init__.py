"""Report classification: a valid report of a post asks for its author's account to be banned."""
