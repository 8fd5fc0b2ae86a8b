"""`govshare check-id`, `contract check`, and the development commands without their tooling:
exit codes and messages (no broker needed)."""

import json
import sys

import pytest

from services.cli import main


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("uscc", "91310110666007217T"),
        ("uscc", "91370100705882496U"),
        ("resident-id", "11010519491231002X"),
        ("unit-code", "370105012002GB00001F00010751"),
        ("cert-id", "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"),
    ],
)
def test_valid_identifiers_exit_zero(capsys, kind, value):
    assert main(["check-id", kind, value]) == 0
    assert f"valid {kind}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("uscc", "91310110666007217U", "check"),
        ("resident-id", "110105194902300021", "date"),
        ("unit-code", "370105012002XB00001F00010751", "13"),
        (
            "cert-id",
            "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.V",
            "check",
        ),
    ],
)
def test_invalid_identifiers_exit_one_with_the_reason_on_stderr(capsys, kind, value, reason):
    assert main(["check-id", kind, value]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"invalid {kind}:")
    assert reason in err


def test_legacy_uscc_needs_the_flag_and_warns(capsys):
    assert main(["check-id", "uscc", "91350100M0001TGQXM"]) == 1
    assert main(["check-id", "uscc", "91350100M0001TGQXM", "--legacy"]) == 0
    assert "warning" in capsys.readouterr().err


def test_contract_check_accepts_the_samples(capsys):
    from tests.samples import SAMPLES

    assert main(["contract", "check", str(SAMPLES)]) == 0
    assert "valid against the v1 contracts" in capsys.readouterr().out


def test_contract_check_names_line_and_field(tmp_path, capsys):
    from tests.samples import sample_objects

    good = sample_objects()[0]
    bad_field = {**good, "data": {**good["data"], "noSuchField": 1}}
    bad_type = {**good, "type": "govshare.nope.v1.Gone"}
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in (good, bad_field, bad_type)) + "\n{oops\n")
    assert main(["contract", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 2: data:" in err and "noSuchField" in err
    assert "line 3: type:" in err
    assert "line 4" in err and "not JSON" in err


@pytest.mark.parametrize("argv", [["up"], ["bench"]])
def test_development_commands_say_so_where_the_tooling_is_missing(monkeypatch, argv):
    """The production image has no devtools/: `govshare up` and `bench` say what is missing,
    and every other command still works there (the CLI imports devtools late)."""
    for name in [m for m in sys.modules if m == "devtools" or m.startswith("devtools.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "devtools", None)  # `import devtools` now fails
    with pytest.raises(SystemExit) as exited:
        main(argv)
    message = str(exited.value.code)
    assert f"`govshare {argv[0]}` is development tooling" in message
    assert "devtools" in message and "checkout" in message
