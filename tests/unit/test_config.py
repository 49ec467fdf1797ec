from __future__ import annotations

from pathlib import Path

import pytest

from comprehend.config import AdversaryConfig, Config, load_config
from comprehend.errors import ConfigError


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_valid_comprehend_toml(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ".comprehend.toml",
        'store = "team/comprehend.db"\n\n[adversary]\nfail_on = "medium"\nworkers = 3\n'
        'timeout_factor = 2\nseverity = { surviving-mutant = "high" }\n',
    )
    config = load_config(tmp_path)
    assert config.store == "team/comprehend.db"
    assert config.source == str(path)
    assert config.adversary.fail_on == "medium"
    assert config.adversary.workers == 3
    assert config.adversary.timeout_factor == 2.0
    assert dict(config.adversary.severity) == {"surviving-mutant": "high"}
    assert config.adversary.test_command is None


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, ".comprehend.toml", 'store = "a.db"\n\n[adversary]\nfail_on = "low"\nworker = 2\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message.startswith(f"{path}:5: unknown key 'adversary.worker'")
    assert "workers" in caught.value.message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path, ".comprehend.toml", "# comment\nstroe = 'x'\n")
    with pytest.raises(ConfigError, match=r"\.comprehend\.toml:2: unknown key 'stroe'") as caught:
        load_config(tmp_path)
    assert str(path) in caught.value.message


def test_wrong_type_names_expected_type(tmp_path: Path) -> None:
    write(tmp_path, ".comprehend.toml", "[adversary]\nworkers = \"four\"\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message.endswith(":2: 'adversary.workers' must be an integer, not str 'four'")


def test_bool_is_not_an_integer(tmp_path: Path) -> None:
    write(tmp_path, ".comprehend.toml", "[adversary]\nworkers = true\n")
    with pytest.raises(ConfigError, match="'adversary.workers' must be an integer, not bool True"):
        load_config(tmp_path)


def test_literal_value_outside_choices(tmp_path: Path) -> None:
    write(tmp_path, ".comprehend.toml", "[adversary]\nfail_on = \"severe\"\n")
    with pytest.raises(ConfigError, match="'adversary.fail_on' must be one of 'info', 'low'"):
        load_config(tmp_path)


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, ".comprehend.toml", "store = \n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.message.startswith(f"{path}: invalid TOML:")
    assert "\n" not in caught.value.message


def test_pyproject_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.comprehend]\nstore = "p.db"\n\n[tool.comprehend.adversary]\nfail_on = "low"\n',
    )
    config = load_config(tmp_path)
    assert config.store == "p.db"
    assert config.adversary == AdversaryConfig(fail_on="low")
    assert config.source == str(path)


def test_pyproject_unknown_key_line(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.comprehend]\nsotre = 1\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml:5: unknown key 'sotre'"):
        load_config(tmp_path)


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert load_config(tmp_path) == Config()


def test_comprehend_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.comprehend]\nstore = "from-pyproject.db"\n')
    write(tmp_path, ".comprehend.toml", 'store = "from-own-file.db"\n')
    assert load_config(tmp_path).store == "from-own-file.db"


def test_explicit_config_file(tmp_path: Path) -> None:
    other = write(tmp_path, "ci.toml", 'store = "ci.db"\n')
    write(tmp_path, ".comprehend.toml", 'store = "local.db"\n')
    assert load_config(tmp_path, other).store == "ci.db"


def test_explicit_config_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--config .*nope\.toml: no such file"):
        load_config(tmp_path, tmp_path / "nope.toml")


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    with pytest.raises(AttributeError, match="cannot assign to field 'store'"):
        config.store = "other.db"  # type: ignore[misc]


def test_this_repository_config_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(root)
    assert config.source == str(root / ".comprehend.toml")


def config_keys(cls: type, prefix: str = "") -> list[str]:
    import dataclasses

    keys = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            keys += config_keys(type(default), f"{prefix}{f.name}.")
        else:
            keys.append(prefix + f.name)
    return keys


def test_every_config_key_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    keys = config_keys(Config)
    assert "adversary.fail_on" in keys
    assert sorted(set(keys) - documented) == []
    assert sorted(documented - set(keys)) == []
