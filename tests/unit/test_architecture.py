"""The import boundaries docs/architecture.md promises, checked on every import statement
(function-level ones included) of every module under services/ and devtools/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
# Development tooling (embedded broker, launcher, samples, bench): left out of the
# production image, so nothing there may need it.
DEV_TOOLING = ("devtools",)
# Development-only commands and routes that import it inside the function that needs it:
# a production install without it still imports these modules and runs everything else.
LATE_DEV_IMPORTS = ("cli.py", "portal/dev.py")
# One package per service; they talk only through topics and gRPC.
SERVICE_PACKAGES = ("certificates", "realestate", "tax", "power", "portal", "devbank")
# Pure rules and state machines: no framework, no broker, no runtime.
FRAMEWORKS = ("faust", "fastapi", "starlette", "grpc", "aiokafka", "uvicorn", "httpx", "mode")
RUNTIME = tuple(
    f"services.kit.{m}"
    for m in ("runtime", "bus", "consumer", "faust_app", "waiters", "evidence", "catchup")
)
PURE_MODULES = {
    "certificates": ("domain", "catalog"),
    "realestate": (
        "applications",
        "cases",
        "deadlines",
        "evaluations",
        "history",
        "rectifications",
        "reliefs",
        "review",
        "titles",
        "uses",
    ),
    "tax": ("assessments", "engine", "ledger", "payments", "quote", "reconciliation", "rules"),
    "power": ("actors", "catalog", "commands", "domain", "preparation", "rules", "views"),
    "devbank": ("bank",),
}


def imports_of(path: Path, *, at_import_only: bool = False) -> set[str]:
    """The modules and names *path* imports; with *at_import_only*, only those imported when
    the module itself is (not those inside a function)."""
    tree = ast.parse(path.read_text("utf-8"))
    late: set[int] = set()
    if at_import_only:
        functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        for fn in ast.walk(tree):
            if isinstance(fn, functions):
                late.update(id(node) for node in ast.walk(fn))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in late:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules(package: str) -> list[Path]:
    return sorted((SERVICES_DIR / package).rglob("*.py"))


@pytest.mark.parametrize("package", SERVICE_PACKAGES)
def test_no_service_imports_another(package):
    others = (*(f"services.{p}" for p in SERVICE_PACKAGES if p != package), "devtools.bench")
    others = (*others, "services.cli")
    wrong = {
        f"{path.relative_to(SERVICES_DIR)}: {name}"
        for path in modules(package)
        for name in imports_of(path)
        if under(name, others)
    }
    assert not wrong, sorted(wrong)


def test_the_kit_imports_no_service_and_no_tooling():
    outside = (*(f"services.{p}" for p in (*SERVICE_PACKAGES, "cli")), *DEV_TOOLING)
    wrong = {
        f"{path.relative_to(SERVICES_DIR)}: {name}"
        for path in modules("kit")
        for name in imports_of(path)
        if under(name, outside)
    }
    assert not wrong, sorted(wrong)


def test_no_service_imports_the_development_tooling_except_late_in_dev_only_code():
    wrong = set()
    for path in sorted(SERVICES_DIR.rglob("*.py")):
        module = path.relative_to(SERVICES_DIR).as_posix()
        names = imports_of(path, at_import_only=module in LATE_DEV_IMPORTS)
        wrong |= {f"{module}: {name}" for name in names if under(name, DEV_TOOLING)}
    assert not wrong, sorted(wrong)
    for module in LATE_DEV_IMPORTS:  # the exceptions stay real: each does import it, late
        names = imports_of(SERVICES_DIR / module)
        assert any(under(name, DEV_TOOLING) for name in names), f"{module}: drop the exception"


@pytest.mark.parametrize(
    "module", [f"{svc}/{name}.py" for svc, names in PURE_MODULES.items() for name in names]
)
def test_domain_and_rule_modules_import_no_framework_and_no_runtime(module):
    path = SERVICES_DIR / module
    assert path.exists(), f"{module} is listed as pure but does not exist"
    wrong = sorted(n for n in imports_of(path) if under(n, FRAMEWORKS) or under(n, RUNTIME))
    assert not wrong, f"{module} imports {wrong}"


def test_the_walker_sees_imports_inside_functions(tmp_path):
    """A late import is still an import: the checks above would miss nothing that runs."""
    module = tmp_path / "late.py"
    module.write_text(
        "def f():\n    from fastapi import APIRouter\n    import services.tax.engine\n"
    )
    found = imports_of(module)
    assert under("fastapi.APIRouter", FRAMEWORKS) and "fastapi.APIRouter" in found
    assert "services.tax.engine" in found
    assert not under("faustian", FRAMEWORKS)  # a prefix, not a substring
    assert "services.tax.engine" not in imports_of(module, at_import_only=True)
    assert "fastapi.APIRouter" not in imports_of(module, at_import_only=True)
