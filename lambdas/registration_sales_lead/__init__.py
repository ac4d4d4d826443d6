"""Sales leads: pro sign-ups (the subscription's filter policy delivers only plan = "pro")."""
