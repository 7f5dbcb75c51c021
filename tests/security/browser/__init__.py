"""The security headers seen by a real browser."""
