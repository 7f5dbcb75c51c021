"""Live answers with published results match the OpenAPI schemas; `sort` is documented."""

from grants.lots.operations import DEFAULT_SORT, SORTS
from tests.api.test_openapi import conforms
from tests.portal.helpers import published_campaign


def test_published_results_match_the_documented_schemas(client, db):
    done = published_campaign()
    document = client.get("/api/v1/openapi.json").get_json()
    for url, schema in (
        (f"/api/v1/lots/{done.lot.lot_id}", "LotDetail"),
        (f"/api/v1/lots/{done.project.lot_id}", "LotDetail"),
        (f"/api/v1/projects/{done.project.project_id}", "Project"),
        ("/api/v1/lots?sort=-index&per_page=100", "LotPage"),
    ):
        body = client.get(url).get_json()
        assert not conforms(document, schema, body), (url, conforms(document, schema, body))
        if schema != "LotPage":
            assert body["results"], url
            for result in body["results"]:
                assert not conforms(document, "PublishedResult", result)


def test_sort_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    listed = document["paths"]["/api/v1/lots"]["get"]["parameters"]
    (parameter,) = [p for p in listed if p["name"] == "sort"]
    assert parameter["in"] == "query"
    assert parameter["schema"]["enum"] == list(SORTS) and parameter["schema"]["default"] == DEFAULT_SORT
    assert "422" in document["paths"]["/api/v1/lots"]["get"]["responses"]
