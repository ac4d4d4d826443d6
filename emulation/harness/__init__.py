"""Plays the parts of AWS that the emulator does not run: the Lambda runtime and its pollers.

moto stores functions and event source mappings but cannot execute code without Docker. The
harness reads what was actually deployed (function configuration, role, mapping settings)
from the emulator's Lambda API and invokes the handler in-process the way Lambda would.
"""
