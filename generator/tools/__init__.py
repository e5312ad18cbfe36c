"""What contributors run: the atlas command and its helpers."""
