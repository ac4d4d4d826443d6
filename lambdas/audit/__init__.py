"""Audit function: keeps every valid Switchyard event in the audit log, exactly once."""
