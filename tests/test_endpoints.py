"""The endpoint table covers the contract exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from relay_analytics.api.endpoints import OPERATIONS

CONTRACT = Path(__file__).parents[1] / "relay_analytics" / "sandbox" / "openapi.yaml"
HTTP_METHODS = {"get", "post", "patch", "delete", "put"}


def contract_operations() -> dict[str, tuple[str, str]]:
    """Map operationId to (METHOD, path) as the contract copy declares them."""
    doc = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def test_every_contract_operation_has_exactly_one_entry() -> None:
    ours = {op.operation_id: (op.method, op.path) for op in OPERATIONS.values()}
    assert ours == contract_operations()
    assert len(OPERATIONS) == 27


def test_render_path_fills_and_checks_placeholders() -> None:
    op = OPERATIONS["get_attachments_for_order_comment"]
    assert op.path_params == ("orderId", "commentId")
    assert op.render_path(orderId=7, commentId=9) == "/api/v1/orders/7/comments/9/attachments"
    with pytest.raises(ValueError, match="commentId"):
        op.render_path(orderId=7)
