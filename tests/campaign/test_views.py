import pytest


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client):
    """Both up: 200 and a JSON body naming each part."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_a_down_broker_with_503(client, broker_down):
    """An unreachable broker makes the health check answer 503, naming it."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "down",
    }


def test_healthz_reports_a_down_database_with_503(client, database_down):
    """With the database unreachable the check still answers, 503 and in JSON."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "down",
        "broker": "ok",
    }


@pytest.mark.django_db
def test_healthz_accepts_only_get(client):
    """Other methods are refused."""
    assert client.post("/healthz").status_code == 405
