"""OpenAPI paths and schemas of this package, merged into /api/v1/openapi.json by grants.api.openapi."""


def paths() -> dict:
    return {}


def schemas() -> dict:
    return {}
