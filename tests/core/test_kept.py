"""What a worker keeps between requests stays within its bound: by count, or by weight
where values differ in size (a relay of 40 entries or of 1,000)."""
from datetime import datetime, timezone

from grouptools.core.kept import kept, kept_now, weight


def test_a_store_by_count_keeps_its_newest(app):
    with app.app_context():
        made = []
        for key in range(5):
            kept("counted", key, lambda key=key: made.append(key) or f"v{key}", 3)
        assert [kept_now("counted", key) for key in range(5)] == [None, None, "v2", "v3", "v4"]
        assert kept("counted", 4, lambda: made.append("again") or "new", 3) == "v4"
        assert made == [0, 1, 2, 3, 4]


def test_a_store_by_weight_drops_the_oldest_and_never_holds_one_too_heavy(app):
    with app.app_context():
        small, large = "x" * 1000, "y" * 5000
        for key in range(4):
            kept("weighed", key, lambda: small, 3200, weight)
        assert [kept_now("weighed", key) for key in range(4)] == [None, small, small, small]
        assert kept("weighed", "large", lambda: large, 3200, weight) == large
        assert kept_now("weighed", "large") is None  # answered, not kept
        assert kept_now("weighed", 3) == small  # and nothing was pushed out for it


def test_weight_counts_what_a_value_holds():
    at = datetime(2026, 12, 5, tzinfo=timezone.utc)
    row = (1, "张三", at, '{"f1": "13800000001"}')
    assert weight([row] * 100) > 100 * weight("张三")
    assert weight({"rows": [row]}) > weight(row) > weight("张三")
