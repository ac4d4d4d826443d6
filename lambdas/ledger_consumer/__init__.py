"""Order-ledger consumer: applies each order's transactions to its balance, in seq order, once."""
