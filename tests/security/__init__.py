"""Security: revocable sessions, headers, CSRF, language, throttling, production refusals (docs/security.md)."""
