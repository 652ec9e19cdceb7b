"""Every API error has the contract's shape and a message in the asker's language;
nothing a client sends produces a 500."""
import json

import pytest

from tests.conftest import bearer


def assert_error_shape(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/people", data='{"name": "张三"', content_type="application/json")
    assert_error_shape(response, 400)


def test_body_nested_too_deeply_is_400_not_500(client):
    response = client.post("/api/v1/people", data="[" * 200_000, content_type="application/json")
    assert_error_shape(response, 400)


def test_invalid_utf8_is_400(client):
    response = client.post("/api/v1/people", data=b'{"name": "\xff\xfe"}', content_type="application/json")
    assert_error_shape(response, 400)


def test_text_plain_on_a_json_route_is_415(client):
    response = client.post("/api/v1/people", data="name=张三", content_type="text/plain")
    assert_error_shape(response, 415)


def test_form_body_on_a_json_route_is_415(client):
    response = client.post("/api/v1/people", data={"name": "张三"})
    assert_error_shape(response, 415)


def test_unknown_field_is_422_with_the_field_named(client):
    response = client.post("/api/v1/people", json={"name": "张三", "nmae": "typo"})
    body = assert_error_shape(response, 422)
    assert "nmae" in body["errors"]["json"]


def test_missing_field_is_422(client):
    body = assert_error_shape(client.post("/api/v1/people", json={}), 422)
    assert "name" in body["errors"]["json"]


@pytest.mark.parametrize(
    "name",
    ["张\x00三", 10**30, "x" * 100_000, "   ", None, ["张三"], {"a": 1}, True, 1e308],
    ids=["nul", "huge-number", "100k-chars", "blank", "null", "list", "object", "bool", "float"],
)
def test_values_the_database_would_choke_on_are_422(client, name):
    response = client.post("/api/v1/people", json={"name": name})
    body = assert_error_shape(response, 422)
    assert "name" in body["errors"]["json"]


def test_not_a_number_literals_are_refused(client):
    response = client.post("/api/v1/people", data='{"name": NaN}', content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error_shape(response, response.status_code)


def test_oversize_body_is_413(client):
    body = json.dumps({"name": "x" * (2 * 1024 * 1024)})
    assert_error_shape(client.post("/api/v1/people", data=body, content_type="application/json"), 413)


def test_unknown_api_path_is_404_json(client):
    assert_error_shape(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_json(client):
    body = assert_error_shape(client.delete("/api/v1/people"), 405)
    assert body["status"] == "Method Not Allowed"


def test_error_message_follows_the_askers_language(client):
    zh = client.post("/api/v1/people", json={"nmae": "x"}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    en = client.post("/api/v1/people", json={"nmae": "x"}, headers={"Accept-Language": "en-US"})
    assert zh.get_json()["message"] == "部分字段填写有误。"
    assert en.get_json()["message"] == "Some fields are invalid."
    assert zh.get_json()["errors"]["json"]["nmae"] == ["未知字段。"]


def test_traditional_chinese_readers_get_simplified_chinese(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "zh-TW"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "请先填写你的名字：此操作需要知道你是谁。"


def test_field_limits_are_translated_with_their_numbers(client):
    response = client.post("/api/v1/people?lang=zh", json={"name": "x" * 65})
    assert response.get_json()["errors"]["json"]["name"] == ["请填写 1 到 64 个字符。"]


def test_pages_get_an_html_error_page(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "未找到，或你无权查看。" in response.get_data(as_text=True)


def test_an_unexpected_failure_is_a_500_in_the_contract_shape(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/api/v1/boom", headers={"Accept-Language": "zh-CN"})
    body = assert_error_shape(response, 500)
    assert "a bug" not in response.get_data(as_text=True)
    assert body["message"].startswith("服务器出了点问题")


def test_bad_token_never_reaches_a_500(client):
    for header in ["Bearer", "Bearer ", "Basic abc", "Bearer \x00", "Bearer " + "a" * 5000]:
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert_error_shape(response, 401)


def test_huge_and_nul_values_reach_no_database_on_writes_with_a_token(client, make_person):
    _, token = make_person()
    for name in ["\x00", 10**30, "y" * 100_000]:
        response = client.patch("/api/v1/me", json={"name": name}, headers=bearer(token))
        assert_error_shape(response, 422)
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["name"] == "张三"
