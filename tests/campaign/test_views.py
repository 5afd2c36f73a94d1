import pytest


@pytest.mark.django_db
def test_healthz_is_ok_when_everything_answers(client):
    """All up: 200 and a JSON body naming each part."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_stays_200_with_the_broker_down(client, broker_down):
    """An unreachable broker is named, but the site still serves: 200, degraded."""
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == {
            "status": "degraded",
            "database": "ok",
            "cache": "ok",
            "broker": "down",
        }


@pytest.mark.django_db
def test_healthz_stays_200_with_the_cache_down(client, cache_down):
    """An unreachable cache is named, but liveness and readiness stay 200."""
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json()["status"] == "degraded"
        assert response.json()["cache"] == "down"


def test_healthz_names_a_down_database_and_readyz_answers_503(client, database_down):
    """Without the database /healthz still answers 200 (alive), /readyz 503."""
    live = client.get("/healthz")
    assert live.status_code == 200
    assert live.json() == {
        "status": "unavailable",
        "database": "down",
        "cache": "ok",
        "broker": "ok",
    }
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["database"] == "down"


@pytest.mark.django_db
def test_health_checks_answer_any_host(client):
    """Container and load-balancer checks call by address: no ALLOWED_HOSTS 400."""
    for host in ("127.0.0.1:8000", "10.0.3.7", "attacker.example"):
        for path in ("/healthz", "/readyz"):
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 200, (host, path)
            assert "attacker.example" not in response.text


@pytest.mark.django_db
def test_healthz_accepts_only_get(client):
    """Other methods are refused."""
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
