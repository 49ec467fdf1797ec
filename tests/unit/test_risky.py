"""new-dependency, ci-config-change and secret on real changes. Secrets are assembled at run
time so this file holds none (comprehend checks its own repository)."""

from __future__ import annotations

import json
import textwrap

from adversary_helpers import two_commits

from comprehend.adversary.risky import find_risky, load_risky_policy

POLICY, _ = load_risky_policy(None)


def risky(repo, before: dict, after: dict) -> list:
    change, sources = two_commits(repo, before, after)
    return find_risky(change, sources, POLICY)


def summary(findings) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.file, f.start_line, f.title) for f in findings]


PYPROJECT = textwrap.dedent("""\
    [project]
    name = "shop"
    dependencies = [
        "requests>=2.31",
    ]

    [project.optional-dependencies]
    dev = ["pytest>=8"]
    """)


def test_new_python_dependencies_in_pyproject_and_requirements(repo) -> None:
    after = {
        "pyproject.toml": PYPROJECT.replace('"requests>=2.31",', '"requests>=2.32",\n    "Flask_Login>=0.6",')
                                   .replace('["pytest>=8"]', '["pytest>=8", "hypothesis"]'),
        "requirements.txt": "requests==2.32.0\n# pinned\nnumpy==2.1.0  # arrays\n",
    }
    found = risky(repo, {"pyproject.toml": PYPROJECT, "requirements.txt": "requests==2.31.0\n"}, after)
    assert summary(found) == [
        ("new-dependency", "pyproject.toml", 5, "new dependency Flask_Login in pyproject.toml"),
        ("new-dependency", "pyproject.toml", 9, "new dependency hypothesis in pyproject.toml"),
        ("new-dependency", "requirements.txt", 3, "new dependency numpy in requirements.txt"),
    ]
    assert [f.severity for f in found] == ["low", "low", "low"]
    assert found[0].evidence["line"] == '"Flask_Login>=0.6",'


def test_a_comment_naming_the_dependency_is_not_its_line(repo) -> None:
    after = PYPROJECT.replace(
        "[project.optional-dependencies]\n",
        "[project.optional-dependencies]\n# bench compares us with grimp\nbench = [\"grimp>=3\"]\n",
    )
    found = risky(repo, {"pyproject.toml": PYPROJECT}, {"pyproject.toml": after})
    assert summary(found) == [
        ("new-dependency", "pyproject.toml", 9, "new dependency grimp in pyproject.toml"),
    ]
    assert found[0].evidence["line"] == 'bench = ["grimp>=3"]'


def test_version_bump_is_not_a_new_dependency(repo) -> None:
    found = risky(repo, {"requirements.txt": "requests==2.31.0\n"},
                  {"requirements.txt": "requests==2.32.0\n"})
    assert found == []


def test_new_dependencies_in_package_json_go_mod_and_cargo(repo) -> None:
    package = {"name": "web", "dependencies": {"react": "^18"}}
    gomod = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n)\n"
    cargo = "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\n"
    after_package = {"name": "web", "dependencies": {"react": "^18", "left-pad": "1.3.0"}}
    found = risky(
        repo,
        {"package.json": json.dumps(package, indent=2) + "\n", "go.mod": gomod, "Cargo.toml": cargo},
        {"package.json": json.dumps(after_package, indent=2) + "\n",
         "go.mod": gomod.replace(")\n", "\tgolang.org/x/sync v0.7.0\n)\n"),
         "Cargo.toml": cargo + "tokio = { version = \"1\" }\n"})
    assert summary(found) == [
        ("new-dependency", "Cargo.toml", 6, "new dependency tokio in Cargo.toml"),
        ("new-dependency", "go.mod", 7, "new dependency golang.org/x/sync in go.mod"),
        ("new-dependency", "package.json", 5, "new dependency left-pad in package.json"),
    ]


def test_ci_configuration_change_names_its_lines(repo) -> None:
    workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
    found = risky(repo, {".github/workflows/ci.yml": workflow, "docs/config.yml": "a: 1\n"},
                  {".github/workflows/ci.yml": workflow.replace("make test", "make test || true"),
                   "docs/config.yml": "a: 2\n"})
    (finding,) = found
    assert summary(found) == [("ci-config-change", ".github/workflows/ci.yml", 6,
                               "CI configuration modified: .github/workflows/ci.yml (+1 -1 lines)")]
    assert finding.evidence["added"] == ["      - run: make test || true"]
    assert finding.evidence["removed"] == ["      - run: make test"]


def fake_aws_key() -> str:
    return "AKIA" + "Q7ZR4HX2LMNB5TW3"


def fake_github_token() -> str:
    return "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"


def test_secrets_in_added_lines_are_found_and_redacted(repo) -> None:
    key_header = "-----BEGIN " + "RSA PRIVATE KEY-----"
    after = {"settings.py": (f'AWS_KEY = "{fake_aws_key()}"\n'
                             f'TOKEN = "{fake_github_token()}"\n'
                             f'PEM = """{key_header}\n'
                             'MIIEow"""\n')}
    found = risky(repo, {"settings.py": "DEBUG = False\n"}, after)
    assert [(f.rule, f.start_line, f.evidence["pattern"], f.severity) for f in found] == [
        ("secret", 1, "aws-access-key-id", "high"),
        ("secret", 2, "github-token", "high"),
        ("secret", 3, "private-key", "high"),
    ]
    assert found[0].evidence["match"] == "AKIA" + "*" * 16
    assert fake_aws_key() not in json.dumps([f.to_json() for f in found])
    assert fake_github_token() not in json.dumps([f.to_json() for f in found])


def test_examples_placeholders_and_low_entropy_values_are_not_secrets(repo) -> None:
    example_key = "AKIA" + "IOSFODNN7" + "EXAMPLE"
    after = {"config.py": (f'KEY = "{example_key}"\n'
                           'password = "password1234"\n'
                           'api_key = "<your-api-key-here>"\n')}
    assert risky(repo, {"config.py": "X = 1\n"}, after) == []


def test_generic_credential_with_high_entropy_is_found(repo) -> None:
    value = "q8" + "Vz3LmT9xWp2Rk7Ns"
    found = risky(repo, {"app.cfg": "x = 1\n"}, {"app.cfg": f'client_secret = "{value}"\n'})
    assert [(f.rule, f.evidence["pattern"], f.confidence) for f in found] == [
        ("secret", "generic-credential", 0.6)]


def test_the_name_of_a_secret_kept_elsewhere_is_no_secret(repo) -> None:
    """openai-agents-python: a gateway spec names the secret it reads from the store, a test
    labels its marker "...-secret"; the same key with a random value is one."""
    value = "q8" + "Vz3LmT9xWp2Rk7Ns"
    found = risky(repo, {"spec.py": "x = 1\n"}, {"spec.py": (
        'gateway = Spec(secret="OPENAI_GATEWAY_SECRET")\n'
        'tool_output_secret = "sandbox-memory-tool-output-secret"\n'
        f'mcp = Spec(secret="{value}")\n')})
    assert [(f.rule, f.start_line, f.evidence["pattern"]) for f in found] == [
        ("secret", 3, "generic-credential")]


def test_secret_in_removed_line_is_not_reported(repo) -> None:
    found = risky(repo, {"settings.py": f'AWS_KEY = "{fake_aws_key()}"\n'},
                  {"settings.py": "AWS_KEY = os.environ['AWS_KEY']\n"})
    assert found == []
