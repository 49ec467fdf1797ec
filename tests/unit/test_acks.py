"""Acknowledgments: the file format, writing it, and which acknowledgments count."""

from __future__ import annotations

from pathlib import Path

import pytest

from comprehend.adversary.acks import Ack, add_ack, apply_acks, load_acks, parse_acks
from comprehend.adversary.findings import Finding, verdict
from comprehend.errors import ConfigError, UserError

FP1 = "0123456789abcdef0123456789abcdef"
FP2 = "fedcba9876543210fedcba9876543210"


def finding(fp: str, severity: str = "high") -> Finding:
    return Finding(rule="rewritten-expectation", severity=severity, confidence=0.8,  # type: ignore[arg-type]
                   file="tests/test_x.py", start_line=3, end_line=3, title="t", fingerprint=fp)


def test_missing_file_means_no_acks(tmp_path: Path) -> None:
    assert load_acks(tmp_path) == []


def test_add_then_load_round_trips_and_keeps_earlier_entries(tmp_path: Path) -> None:
    first = add_ack(tmp_path, FP1, "the spec changed in #12", "ana@example.com",
                    rule="deleted-test", file="tests/test_a.py", title='a "quoted" title')
    second = add_ack(tmp_path, FP2.upper(), "  renamed, see #13 \u00e9\x7f ", "bo@example.com")
    loaded = load_acks(tmp_path)
    assert [(a.fingerprint, a.reason, a.who, a.rule, a.file, a.title) for a in loaded] == [
        (FP1, "the spec changed in #12", "ana@example.com", "deleted-test", "tests/test_a.py",
         'a "quoted" title'),
        (FP2, "renamed, see #13 \u00e9\x7f", "bo@example.com", None, None, None),
    ]
    assert [a.line for a in loaded] == [first.line, second.line]
    assert loaded[0].at == first.at and len(first.at) == 10
    # atomic replace leaves no temporary file behind
    assert sorted(p.name for p in (tmp_path / ".comprehend").iterdir()) == ["acks.toml"]


def test_empty_reason_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="needs a reason"):
        add_ack(tmp_path, FP1, "   ", "ana@example.com")
    assert not (tmp_path / ".comprehend").exists()


def test_second_ack_of_the_same_fingerprint_is_refused(tmp_path: Path) -> None:
    add_ack(tmp_path, FP1, "first", "ana@example.com")
    with pytest.raises(UserError, match="already acknowledged by ana@example.com"):
        add_ack(tmp_path, FP1, "second", "bo@example.com")
    assert [a.reason for a in load_acks(tmp_path)] == ["first"]


@pytest.mark.parametrize(("text", "message"), [
    ('[[ack]]\nfingerprint = "x"\n', r"acks.toml:1: \[\[ack\]\] entry lacks 'reason'"),
    ('# c\n\n[[ack]]\nfingerprint = "nothex"\nreason = "r"\nwho = "w"\nat = "2026-01-01"\n',
     r"acks.toml:3: fingerprint 'nothex' is not one"),
    (f'[[ack]]\nfingerprint = "{FP1}"\nreason = "r"\nwho = "w"\nat = "d"\n\n'
     f'[[ack]]\nfingerprint = "{FP2}"\nreason = ""\nwho = "w"\nat = "d"\n',
     r"acks.toml:7: the reason is empty"),
    ('[[ack]]\nfingerprint = \n', r"acks.toml:2: invalid TOML"),
    (f'[[ack]]\nfingerprint = "{FP1}"\nreason = "r"\nwho = "w"\nat = "d"\ncolour = "x"\n',
     r"acks.toml:1: unknown key 'colour'"),
    ('[other]\nx = 1\n', r"acks.toml:1: unknown table 'other'"),
])
def test_malformed_file_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".comprehend").mkdir()
    (tmp_path / ".comprehend" / "acks.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_acks(tmp_path)


def test_toml_date_literal_is_accepted() -> None:
    acks = parse_acks(f'[[ack]]\nfingerprint = "{FP1}"\nreason = "r"\nwho = "w"\n'
                      'at = 2026-03-04\n', "x")
    assert acks == [Ack(FP1, "r", "w", "2026-03-04")]


def test_apply_acks_marks_counts_and_refuses() -> None:
    acks = [Ack(FP1, "intended", "ana@example.com", "2026-01-01"),
            Ack(FP2, "mine", "bot@example.com", "2026-01-02")]
    other = "11111111111111111111111111111111"
    out = apply_acks([finding(FP1), finding(FP2), finding(other)], acks,
                     ai_added={FP2}, in_change=set(), added_by={FP2: "abcdef1234567890"})
    assert out[0].acknowledged == {"reason": "intended", "who": "ana@example.com",
                                   "at": "2026-01-01"}
    assert out[0].ack_refused is None and out[0].counts is False
    assert out[1].acknowledged is None and out[1].counts is True
    assert out[1].ack_refused == ("the acknowledgment by bot@example.com was added by an "
                                  "AI-authored commit (abcdef123456); it counts only when a "
                                  "person commits it")
    assert (out[2].acknowledged, out[2].ack_refused) == (None, None)
    assert verdict(out[:1], "high") == "pass"
    assert verdict(out[:2], "high") == "fail"


def test_ack_inside_the_change_does_not_count() -> None:
    acks = [Ack(FP1, "intended", "ana@example.com", "2026-01-01")]
    out = apply_acks([finding(FP1)], acks, ai_added=set(), in_change={FP1})
    assert out[0].counts is True
    assert out[0].ack_refused == ("the acknowledgment by ana@example.com was added inside the "
                                  "change under review; an acknowledgment of a change's own "
                                  "finding counts once it is on the base branch")
    assert verdict(out, "high") == "fail"


def test_marks_survive_json_and_are_absent_when_unset() -> None:
    marked = apply_acks([finding(FP1)], [Ack(FP1, "r", "w", "d")], ai_added=set(),
                        in_change=set())[0]
    assert Finding.from_json(marked.to_json()) == marked
    assert "acknowledged" not in finding(FP2).to_json()
