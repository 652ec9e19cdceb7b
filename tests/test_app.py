"""The app as a whole: health, home page, the OpenAPI document, the schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from grouptools.extensions import db


def test_healthz_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_home_page_in_both_languages(client):
    zh = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    en = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "群投票" in zh
    assert "Polls, sign-up lists, notices, check-ins and member cards" in en


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert "/api/v1/people" in spec["paths"]
    assert "/api/v1/me" in spec["paths"]
    person_create = spec["components"]["schemas"]["PersonCreate"]
    assert person_create["properties"]["name"]["maxLength"] == 64


def test_no_swagger_ui_is_served(client):
    for path in ["/api/v1/swagger-ui", "/api/v1/redoc", "/api/v1/rapidoc"]:
        assert client.get(path).status_code == 404


def test_migrations_build_exactly_the_models(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
