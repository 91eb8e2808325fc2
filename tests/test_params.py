"""Parameter parsing: strings as Config passes them, typed values out, InvalidParametersError naming the parameter."""

from __future__ import annotations

import pytest
from rdklib import InvalidParametersError

from lambda_compliance.runtime.params import Param, check_range, parse_parameters

DECLARED = (
    Param.integer("maxTimeout", 300, "max", minimum=1, maximum=900),
    Param.string_list("requiredTagKeys", ("owner",), "tags", pattern=r"[\w.:/=+\-@ ]{1,128}"),
    Param.boolean("allowInline", False, "inline"),
    Param.string("boundaryArn", None, "arn", pattern=r"arn:aws:iam::\d{12}:policy/.+"),
)


def test_defaults_when_absent_or_blank():
    assert parse_parameters(DECLARED, {}) == {
        "maxTimeout": 300,
        "requiredTagKeys": ("owner",),
        "allowInline": False,
        "boundaryArn": None,
    }
    assert parse_parameters(DECLARED, {"maxTimeout": "  "})["maxTimeout"] == 300


def test_config_strings_are_typed():
    values = parse_parameters(
        DECLARED,
        {
            "maxTimeout": "60",
            "requiredTagKeys": " owner, environment ,owner,",
            "allowInline": "TRUE",
            "boundaryArn": "arn:aws:iam::123456789012:policy/boundary",
        },
    )
    assert values == {
        "maxTimeout": 60,
        "requiredTagKeys": ("owner", "environment"),
        "allowInline": True,
        "boundaryArn": "arn:aws:iam::123456789012:policy/boundary",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"maxTimeout": "0"}, "Parameter 'maxTimeout' must be at least 1"),
        ({"maxTimeout": "1000"}, "Parameter 'maxTimeout' must be at most 900"),
        ({"maxTimeout": "3.5"}, "Parameter 'maxTimeout' must be an integer"),
        ({"maxTimeout": True}, "Parameter 'maxTimeout' must be an integer"),
        ({"allowInline": "maybe"}, "Parameter 'allowInline' must be true or false"),
        ({"requiredTagKeys": 5}, "Parameter 'requiredTagKeys' must be a comma-separated list of strings"),
        ({"boundaryArn": "not-an-arn"}, "Parameter 'boundaryArn' has an invalid value 'not-an-arn'"),
        ({"maxTimout": "60"}, "Unknown parameter 'maxTimout' (this rule accepts: maxTimeout, requiredTagKeys"),
    ],
)
def test_bad_values_name_the_parameter(raw, message):
    with pytest.raises(InvalidParametersError) as caught:
        parse_parameters(DECLARED, raw)
    assert str(caught.value).startswith(message)


def test_reserved_rdklib_parameters_are_ignored():
    assert parse_parameters(DECLARED, {"ExecutionRoleName": "x", "AssumeRoleMode": "false"})["maxTimeout"] == 300


def test_required_list_and_range():
    required = Param.string_list("keys", (), "keys", required=True)
    with pytest.raises(InvalidParametersError, match="'keys' is required"):
        parse_parameters((required,), {"keys": ", ,"})
    with pytest.raises(InvalidParametersError, match="'low' \\(5\\) must not exceed 'high' \\(2\\)"):
        check_range({"low": 5, "high": 2}, "low", "high")


def test_config_value_round_trip():
    for param in DECLARED:
        assert param.parse(param.as_config_value()) == param.default
    assert DECLARED[1].as_config_value(("a", "b")) == "a,b"
