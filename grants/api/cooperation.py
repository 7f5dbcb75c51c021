"""JSON API of the joint work of councils: plan activities and meetings (docs/api.md)."""
