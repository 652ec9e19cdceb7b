"""Each rate-limited action's limit: its default, an operator's override, and a start-up
that refuses a limit Flask-Limiter could not read. (The limits applied on a real server:
tests/test_rate_limits.py.)"""
import pytest

from grouptools.core.ratelimits import ACTIONS, limits_from_environment


def test_defaults_keep_the_numbers_the_routes_had():
    chosen = limits_from_environment({})
    assert chosen == {
        "create_person": "120 per minute;2000 per day", "signin": "120 per minute;2000 per day",
        "create_group": "30 per hour", "join_group": "120 per hour",
        "create_widget": "60 per hour", "vote": "60 per minute", "sign_up": "60 per minute",
        "confirm": "60 per minute", "check_in": "60 per minute", "save_card": "60 per minute",
        "upload": "300 per hour",
    }
    per_address = {name for name, action in ACTIONS.items() if action.per_address}
    assert per_address == {"create_person", "signin"}


def test_an_operator_overrides_one_action_by_its_name():
    chosen = limits_from_environment({"GROUPTOOLS_RATELIMIT_SIGN_UP": " 10 per minute ",
                                      "GROUPTOOLS_UPLOAD_RATE_LIMIT": "50 per day"})
    assert chosen["sign_up"] == "10 per minute" and chosen["vote"] == "60 per minute"
    # The upload limit's older name is still honoured; the new one wins over it.
    assert chosen["upload"] == "50 per day"
    assert limits_from_environment({"GROUPTOOLS_UPLOAD_RATE_LIMIT": "50 per day",
                                    "GROUPTOOLS_RATELIMIT_UPLOAD": "7 per hour"})["upload"] == \
        "7 per hour"


def test_the_app_reads_its_limits_and_refuses_one_it_cannot_read(make_app, monkeypatch):
    monkeypatch.setenv("GROUPTOOLS_RATELIMIT_VOTE", "5 per minute")
    app = make_app(RATE_LIMITS={"sign_up": "3 per hour"})
    assert app.config["RATE_LIMITS"]["vote"] == "5 per minute"
    assert app.config["RATE_LIMITS"]["sign_up"] == "3 per hour"
    assert app.config["RATE_LIMITS"]["create_group"] == "30 per hour"

    monkeypatch.setenv("GROUPTOOLS_RATELIMIT_VOTE", "lots")
    with pytest.raises(RuntimeError, match="GROUPTOOLS_RATELIMIT_VOTE is not a rate limit"):
        make_app()
    with pytest.raises(RuntimeError, match="unknown rate-limited actions: voting"):
        make_app(RATE_LIMITS={"voting": "5 per minute"})
