"""Order-ledger processor: intake FIFO queue -> immutable ledger table -> grouped FIFO queue."""
