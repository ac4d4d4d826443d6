"""Account management: applies AccountDeactivationRequested to the Accounts and BannedAccounts tables."""
