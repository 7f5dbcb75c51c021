"""Analytics across campaigns and years (docs/analytics.md): needs coverage, the dashboard, the statistics
behind `GET /api/v1/stats`, and risk flags that help a campaign choose what to visit.

Everything here reads; aggregations run in SQL (GROUP BY), never row by row in Python. Nothing here
changes a score: risk flags are advice, and only their reviews and thresholds are stored.
"""
