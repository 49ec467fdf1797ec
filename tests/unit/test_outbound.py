"""What may leave the machine: secret rules, the entropy check, the deny-list."""

from __future__ import annotations

from comprehend.adversary.outbound import load_outbound

OUT, _ = load_outbound(None)


def test_secrets_become_stable_one_way_placeholders() -> None:
    key = "AKIA" + "Q3EGRT7ZKX2MWN5P"
    text, count = OUT.redact(f'a = "{key}"\nb = "{key}"\n')
    assert key not in text
    assert count == 2
    first, second = (line.split('"')[1] for line in text.splitlines())
    assert first == second and first.startswith("<redacted:")


def test_high_entropy_tokens_are_redacted_but_hashes_and_words_are_not() -> None:
    noise = "Zt8qLw2Rx9Vb4Nm7" + "Kc1Pd6Hs3Jf0Yg5Ua"  # built: no credential in this file
    sha = "907a2ce680e22dc4d8a4aa4e8305e5425a40870c"
    text, count = OUT.redact(f"x = '{noise}'\nrev = '{sha}'\nname = 'a_very_long_identifier_name_here'\n")
    assert count == 1
    assert noise not in text
    assert sha in text and "a_very_long_identifier_name_here" in text
    assert "<redacted:entropy:" in text


def test_placeholders_are_not_redacted_again() -> None:
    once, _ = OUT.redact("k = 'Zt8qLw2Rx9Vb4Nm7Kc1Pd6Hs3Jf0Yg5Ua'")
    twice, count = OUT.redact(once)
    assert (twice, count) == (once, 0)


def test_deny_list() -> None:
    denied = [p for p in (".env", "config/.env.production", "keys/server.pem", "id_rsa",
                          "home/.ssh/id_ed25519.pub", "app/settings.py", "README.md",
                          "infra/prod.tfvars") if OUT.denied(p)]
    assert denied == [".env", "config/.env.production", "keys/server.pem", "id_rsa",
                      "home/.ssh/id_ed25519.pub", "infra/prod.tfvars"]
