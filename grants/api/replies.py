"""Right of reply through the API: POST /evaluations/<id>/replies (NGO), POST /replies/<id>/ruling (chair)."""
