"""Registration: validates a sign-up, builds a UserRegistered event and publishes it to the topic."""
