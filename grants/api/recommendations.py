"""JSON API of recommendations: the register and the addressee's response (docs/api.md)."""
