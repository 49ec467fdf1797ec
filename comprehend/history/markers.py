"""The catalogue of markers AI tools and bots leave in git metadata (markers.toml, shipped in
the package) and the matching of one commit's identities and message against it.

Matching is by email or GitHub login, never by display name alone: names carry model
versions ("Claude Opus 4.7") and a person may be called Claude. Trailers are searched in
the whole message, line-anchored, because squash merges push them out of git's trailer
block."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from comprehend.errors import ConfigError

CATALOGUE_PATH = Path(__file__).with_name("markers.toml")

# How strongly each place a marker can appear speaks for the tool; multiplied by the
# entry's own confidence.
STRENGTH = {
    "author": 0.98,
    "committer": 0.9,
    "co-author": 0.95,
    "session": 0.9,
    "body": 0.9,
    "name-suffix": 0.95,
    "subject-prefix": 0.9,
    "policy": 0.85,
    "policy-unknown-tool": 0.6,
    "unknown-bot": 0.9,
}

_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.I)
_NAME_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")
_PERSON = re.compile(r"[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*)*")
_GENERATED = re.compile(r"generated (?:with|by) \[?(?P<generated>[^\]\(\n]+)", re.I)


@dataclass(frozen=True)
class Signal:
    """One piece of evidence: what kind, where it was found, the text as found."""

    kind: str
    where: str
    text: str


@dataclass(frozen=True)
class ToolMarkers:
    id: str
    cls: str  # "ai" or "bot"
    confidence: float
    emails: tuple[str, ...]
    logins: tuple[str, ...]
    aliases: tuple[str, ...]
    body: tuple[str, ...]
    trailers: tuple[str, ...]
    name_suffix: str | None
    subject_prefix: str | None
    model: re.Pattern[str] | None
    source: str


@dataclass(frozen=True)
class Hit:
    """A marker found in one commit: the class and tool it speaks for, and the evidence."""

    cls: str  # ai | bot | human
    tool: str | None
    model: str | None
    confidence: float
    signal: Signal


@dataclass(frozen=True)
class Catalogue:
    tools: tuple[ToolMarkers, ...]
    policy_trailers: tuple[str, ...]
    model_words: frozenset[str]
    model_patterns: tuple[re.Pattern[str], ...]
    digest: str
    _exact_emails: dict[str, ToolMarkers] = field(repr=False)
    _glob_emails: tuple[tuple[re.Pattern[str], ToolMarkers], ...] = field(repr=False)
    _logins: dict[str, ToolMarkers] = field(repr=False)
    _aliases: tuple[tuple[str, ToolMarkers], ...] = field(repr=False)
    _session_keys: dict[str, ToolMarkers] = field(repr=False)
    _body: tuple[tuple[re.Pattern[str], ToolMarkers], ...] = field(repr=False)
    _key_trigger: re.Pattern[str] = field(repr=False)  # for lowercased text
    _key_trigger_i: re.Pattern[str] = field(repr=False)  # the same, ignoring case
    _body_triggers: tuple[tuple[str | None, re.Pattern[str]], ...] = field(repr=False)
    _policy_keys: frozenset[str] = field(repr=False)
    _any_needle: re.Pattern[str] = field(repr=False)  # matches if any body regex might
    _suffixed: tuple[ToolMarkers, ...] = field(repr=False)
    _prefixed: tuple[ToolMarkers, ...] = field(repr=False)
    _identity_memo: dict[tuple[str, str, str], tuple[Hit, ...]] = field(
        default_factory=dict, repr=False, compare=False)
    _line_memo: dict[tuple[str, str], tuple[Hit, ...]] = field(
        default_factory=dict, repr=False, compare=False)

    # --- lookups -------------------------------------------------------------------------

    def by_email(self, email: str) -> ToolMarkers | None:
        email = email.strip().lower()
        if not email:
            return None
        found = self._exact_emails.get(email)
        if found is None:
            for pattern, tool in self._glob_emails:
                if pattern.match(email):
                    return tool
            m = _NOREPLY.match(email)
            if m:
                found = self._logins.get(m.group("login").lower())
        return found

    def by_alias(self, name: str) -> ToolMarkers | None:
        name = name.strip().lower()
        for alias, tool in self._aliases:
            if name == alias:
                return tool
        return None

    def tool_id(self, name: str) -> str:
        """A sidecar's tool name ("claude", "cursor") as the catalogue names the tool."""
        tool = self.by_alias(name)
        return tool.id if tool else name.strip().lower()

    # --- matching ------------------------------------------------------------------------

    def identity_hits(self, name: str, email: str, role: str) -> tuple[Hit, ...]:
        """Markers in an author or committer identity; role is "author" or "committer".
        Memoized: a history has few identities and many commits."""
        key = (name, email, role)
        found = self._identity_memo.get(key)
        if found is None:
            found = self._identity_memo[key] = tuple(self._identity_hits(name, email, role))
        return found

    def _identity_hits(self, name: str, email: str, role: str) -> list[Hit]:
        hits: list[Hit] = []
        tool = self.by_email(email)
        where = role
        if tool is not None:
            if tool.cls == "ai" or role == "author":
                hits.append(Hit(tool.cls, tool.id, _model(tool, name),
                                _conf(role, tool), Signal("identity", where, f"{name} <{email}>")))
        elif role == "author":
            m = _NOREPLY.match(email.strip())
            if m and m.group("login").lower().endswith("[bot]"):
                login = m.group("login")
                hits.append(Hit("bot", login[: -len("[bot]")].lower(), None,
                                STRENGTH["unknown-bot"],
                                Signal("identity", where, f"{name} <{email}>")))
        for tool in self._suffixed:
            if name.endswith(tool.name_suffix):
                hits.append(Hit(tool.cls, tool.id, None, _conf("name-suffix", tool),
                                Signal("name-suffix", where, f"{name} <{email}>")))
        return hits

    def message_hits(self, message: str) -> list[Hit]:
        hits: list[Hit] = []
        folded = message.lower()
        for tool in self._prefixed:
            if folded.startswith(tool.subject_prefix):
                end = message.find("\n")
                subject = message if end < 0 else message[:end]
                hits.append(Hit(tool.cls, tool.id, None, _conf("subject-prefix", tool),
                                Signal("subject-prefix", "subject", subject)))
        if len(folded) == len(message):  # lowercasing kept every position
            found = [m.start() for m in self._key_trigger.finditer(folded)]
        else:
            found = [m.start() for m in self._key_trigger_i.finditer(message)]
        if self._any_needle.search(folded):  # one cheap test before the body regexes
            for needle, pattern in self._body_triggers:
                if needle is None or needle in folded:
                    found += [m.start() for m in pattern.finditer(message)]
        if not found:
            return hits
        starts = sorted({message.rfind("\n", 0, pos) + 1 for pos in found})
        for start in starts:
            end = message.find("\n", start)
            end = len(message) if end < 0 else end
            where = f"message line {message.count(chr(10), 0, start) + 1}"
            key = (message[start:end].strip(), where)
            found_hits = self._line_memo.get(key)
            if found_hits is None:  # trailers are templates: the same lines recur
                found_hits = tuple(self._line_hits(*key))
                if len(self._line_memo) < 100_000:
                    self._line_memo[key] = found_hits
            hits.extend(found_hits)
        return _dedupe(hits) if len(hits) > 1 else hits

    def _line_hits(self, line: str, where: str) -> list[Hit]:
        hits: list[Hit] = []
        key, sep, value = line.partition(":")
        key_l = key.strip().lower()
        value = value.strip()
        if sep and key_l == "co-authored-by":
            m = _NAME_EMAIL.match(value)
            if m:
                tool = self.by_email(m.group("email"))
                if tool is not None and tool.cls == "ai":
                    hits.append(Hit("ai", tool.id, _model(tool, m.group("name")),
                                    _conf("co-author", tool), Signal("trailer", where, line)))
        elif sep and key_l in self._session_keys:
            tool = self._session_keys[key_l]
            hits.append(Hit(tool.cls, tool.id, None, _conf("session", tool),
                            Signal("session-link", where, line)))
        elif sep and key_l in self._policy_keys:
            hit = self._policy_hit(value, line, where)
            if hit is not None:
                hits.append(hit)
        for pattern, tool in self._body:
            if pattern.search(line):
                hits.append(Hit(tool.cls, tool.id, None, _conf("body", tool),
                                Signal("body", where, line)))
        m = _GENERATED.search(line)
        if m:
            tool = self._alias_prefix(m.group("generated"))
            if tool is not None:
                hits.append(Hit(tool.cls, tool.id, None, _conf("body", tool),
                                Signal("body", where, line)))
        return hits

    def _alias_prefix(self, text: str) -> ToolMarkers | None:
        """The tool named by the longest run of leading words of `text` that is an alias."""
        words = text.split()
        for n in range(len(words), 0, -1):
            tool = self.by_alias(" ".join(words[:n]))
            if tool is not None:
                return tool
        return None

    def _policy_hit(self, value: str, line: str, where: str) -> Hit | None:
        """Assisted-by / Generated-by / Made-with: a tool or model, or else a person."""
        signal = Signal("trailer", where, line)
        m = _NAME_EMAIL.match(value)
        if m:
            tool = self.by_email(m.group("email"))
            if tool is not None and tool.cls == "ai":
                return Hit("ai", tool.id, _model(tool, m.group("name")), _conf("policy", tool), signal)
            return Hit("human", None, None, 0.6, signal)
        # Kernel forms: "AGENT:MODEL [TOOL1] [TOOL2]" (bracketed analysis tools) and
        # "LLM [TOOL]" (the bracket names the coding tool).
        bracketed = [self.by_alias(b) for b in re.findall(r"\[([^\]]*)\]", value)]
        bracket_tool = next((t for t in bracketed if t is not None), None)
        head = re.sub(r"\[[^\]]*\]", " ", value).strip()
        if not head:
            return None
        if ":" in head and "://" not in head:  # kernel AGENT:MODEL
            agent, _, model = head.partition(":")
            tool = self.by_alias(agent)
            model = model.split()[0] if model.split() else None
            tool = tool or bracket_tool
            if tool is not None:
                return Hit("ai", tool.id, model, _conf("policy", tool), signal)
            return Hit("ai", None, model, STRENGTH["policy-unknown-tool"], signal)
        lower = head.lower()
        for alias, tool in self._aliases:
            if not lower.startswith(alias):
                continue
            rest = lower[len(alias):]
            if rest and rest[0] not in " -_(.":
                continue
            words = re.findall(r"[a-z]+", rest)
            if rest.strip(" ()") == "" or re.search(r"\d", rest) or (words and words[0] in self.model_words):
                model = head if lower != alias else None
                return Hit(tool.cls, tool.id, model, _conf("policy", tool), signal)
        if bracket_tool is not None:
            return Hit("ai", bracket_tool.id, head, _conf("policy", bracket_tool), signal)
        if any(p.fullmatch(lower) for p in self.model_patterns) or re.search(r"\d", head):
            return Hit("ai", None, head, STRENGTH["policy-unknown-tool"], signal)
        if _PERSON.fullmatch(head):
            return Hit("human", None, None, 0.6, signal)
        return None


def _conf(where: str, tool: ToolMarkers) -> float:
    return round(STRENGTH[where] * tool.confidence, 3)


def _model(tool: ToolMarkers, display_name: str) -> str | None:
    if tool.model is None:
        return None
    m = tool.model.search(display_name.strip())
    return m.group("model").strip() if m else None


def _leading_literal(pattern: str) -> str | None:
    """The plain text every match of `pattern` starts with, lowercase (None if it has no
    such text, or the pattern is an alternation at the top level)."""
    depth = 0
    for c in pattern:  # a top-level | makes any prefix optional
        depth += c == "("
        depth -= c == ")"
        if c == "|" and depth == 0:
            return None
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            char, width = pattern[i + 1], 2
        elif c.isalnum() or c in " :/_-'\"<>@=,;!#%&~`":
            char, width = c, 1
        else:
            break
        if pattern[i + width:i + width + 1] in ("?", "*", "{"):
            break  # optional: not part of every match
        out.append(char)
        i += width
    text = "".join(out).lower()
    return text if len(text) >= 3 else None


def _dedupe(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple] = set()
    out: list[Hit] = []
    for hit in hits:
        key = (hit.cls, hit.tool, hit.signal.where)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


@functools.cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}; fix the marker catalogue") from exc
    return build_catalogue(data, text, str(path))


def build_catalogue(data: dict, text: str, where: str) -> Catalogue:
    tools: list[ToolMarkers] = []
    for number, entry in enumerate(data.get("tool", []), start=1):
        missing = {"id", "class", "source"} - set(entry)
        if missing:
            raise ConfigError(f"{where}: [[tool]] #{number} lacks {', '.join(sorted(missing))}")
        if entry["class"] not in ("ai", "bot"):
            raise ConfigError(f"{where}: [[tool]] {entry['id']}: class must be 'ai' or 'bot'")
        tools.append(ToolMarkers(
            id=entry["id"],
            cls=entry["class"],
            confidence=float(entry.get("confidence", 1.0)),
            emails=tuple(e.lower() for e in entry.get("emails", ())),
            logins=tuple(x.lower() for x in entry.get("logins", ())),
            aliases=tuple(a.lower() for a in entry.get("aliases", ())),
            body=tuple(entry.get("body", ())),
            trailers=tuple(entry.get("trailers", ())),
            name_suffix=entry.get("name_suffix"),
            subject_prefix=(entry.get("subject_prefix") or "").lower() or None,
            model=re.compile(entry["model"], re.I) if "model" in entry else None,
            source=entry["source"],
        ))
    exact: dict[str, ToolMarkers] = {}
    globs: list[tuple[re.Pattern[str], ToolMarkers]] = []
    logins: dict[str, ToolMarkers] = {}
    aliases: list[tuple[str, ToolMarkers]] = []
    session_keys: dict[str, ToolMarkers] = {}
    body: list[tuple[re.Pattern[str], ToolMarkers]] = []
    for tool in tools:
        for email in tool.emails:
            if any(c in email for c in "*?["):
                globs.append((re.compile(fnmatch.translate(email), re.I), tool))
            else:
                exact.setdefault(email, tool)
        for login in tool.logins:
            logins.setdefault(login, tool)
        for alias in tool.aliases:
            aliases.append((alias, tool))
        for key in tool.trailers:
            session_keys.setdefault(key.lower(), tool)
        for pattern in tool.body:
            body.append((re.compile(pattern, re.I), tool))
    aliases.sort(key=lambda pair: -len(pair[0]))  # "github copilot" before "copilot"
    policy = tuple(data.get("policy_trailers", ()))
    keys = ["co-authored-by", *(k.lower() for k in policy), *session_keys]
    # The lines worth reading: a known trailer key at a line start, or a body marker
    # anywhere. Each body regex runs only on messages holding its leading literal text.
    key_trigger = r"^[ \t]*(?:" + "|".join(re.escape(k) for k in keys) + r")[ \t]*:"
    body_triggers = tuple(
        (_leading_literal(p), re.compile(p, re.I))
        for p in dict.fromkeys([p.pattern for p, _ in body] + [_GENERATED.pattern])
    )
    return Catalogue(
        tools=tuple(tools),
        policy_trailers=policy,
        model_words=frozenset(w.lower() for w in data.get("model_words", ())),
        model_patterns=tuple(re.compile(p, re.I) for p in data.get("model_patterns", ())),
        digest=hashlib.sha256(text.encode()).hexdigest(),
        _exact_emails=exact,
        _glob_emails=tuple(globs),
        _logins=logins,
        _aliases=tuple(aliases),
        _session_keys=session_keys,
        _body=tuple(body),
        _key_trigger=re.compile(key_trigger, re.M),
        _key_trigger_i=re.compile(key_trigger, re.M | re.I),
        _body_triggers=body_triggers,
        _policy_keys=frozenset(k.lower() for k in policy),
        _any_needle=re.compile("" if any(n is None for n, _ in body_triggers)
                               else "|".join(re.escape(n) for n, _ in body_triggers)),
        _suffixed=tuple(t for t in tools if t.name_suffix),
        _prefixed=tuple(t for t in tools if t.subject_prefix),
    )
