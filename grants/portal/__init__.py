"""The public face of the registry: the lot and organisation pages, campaign results and the NGO's
own projects.

The lot and organisation pages live here rather than in grants.lots and grants.organisations because
they show published results and contracts, which lie above those packages (docs/architecture.md).
Only published evaluations appear here (grants.portal.results); the campaign breakdowns reuse the
summary report's aggregation and charts (grants.reports.summary) with the published state only.
"""
