"""The local sandbox: emulator launcher and patches, Lambda harness, traffic, demo, sandbox CLI."""
