"""The schema as an ordered list of forward migrations. Migration N brings a database from
schema version N-1 to N; `PRAGMA user_version` holds the version. Never edit a migration
that has shipped: add the next one."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the data model of DESIGN.md.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        blob_sha TEXT NOT NULL,
        language TEXT,
        lines INTEGER NOT NULL DEFAULT 0
    );
    -- Parse results cached by content: a blob parsed once is never parsed again
    -- under the same grammar/query version.
    CREATE TABLE facts (
        blob_sha TEXT NOT NULL,
        extractor_version TEXT NOT NULL,
        language TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (blob_sha, extractor_version, language)
    );
    CREATE TABLE symbols (
        id TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        qualname TEXT NOT NULL,
        kind TEXT NOT NULL,
        start_line INTEGER,
        end_line INTEGER
    );
    CREATE TABLE edges (
        src TEXT NOT NULL,
        dst TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('contains','imports','calls','inherits','tests')),
        confidence TEXT NOT NULL DEFAULT 'resolved'
    );
    CREATE INDEX edges_src ON edges (src);
    CREATE INDEX edges_dst ON edges (dst);
    CREATE TABLE commits (
        sha TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        email TEXT NOT NULL,
        committed_at INTEGER NOT NULL,
        subject TEXT NOT NULL,
        class TEXT NOT NULL CHECK (class IN ('ai','bot','human','unknown')),
        tool TEXT,
        model TEXT,
        confidence REAL NOT NULL DEFAULT 0,
        signals TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE lines (
        file TEXT NOT NULL,
        blob_sha TEXT NOT NULL,
        rev TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        "commit" TEXT NOT NULL,
        class TEXT NOT NULL
    );
    CREATE INDEX lines_file ON lines (blob_sha, rev);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('check','review','quiz')),
        started_at TEXT NOT NULL,
        who TEXT,
        base TEXT,
        head TEXT,
        policy_hash TEXT,
        config_hash TEXT,
        model TEXT,
        prompt_hash TEXT,
        tokens INTEGER,
        cost_usd REAL,
        verdict TEXT
    );
    CREATE TABLE findings (
        run INTEGER NOT NULL REFERENCES runs (id),
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        file TEXT,
        start_line INTEGER,
        end_line INTEGER,
        title TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        fingerprint TEXT NOT NULL
    );
    CREATE INDEX findings_run ON findings (run);
    CREATE TABLE questions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN ('reading','debugging','relation','conceptual')),
        symbol TEXT,
        "commit" TEXT,
        prompt TEXT NOT NULL,
        choices TEXT NOT NULL DEFAULT '[]',
        answer TEXT NOT NULL,
        explanation TEXT,
        policy_hash TEXT,
        verified INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE answers (
        question TEXT NOT NULL REFERENCES questions (id),
        person TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        correct INTEGER NOT NULL,
        seconds REAL,
        rating INTEGER
    );
    CREATE TABLE cards (
        person TEXT NOT NULL,
        symbol TEXT NOT NULL,
        fsrs TEXT NOT NULL,
        PRIMARY KEY (person, symbol)
    );
    """,
    # 2 (attribution, issue 4): the committer, the mixed flag and the class without sidecar
    # records of a classified commit; the tool and the evidence source (commit, git-ai, agent-trace, shallow) of cached line
    # ranges, looked up by (file, blob, rev).
    """
    ALTER TABLE commits ADD COLUMN committer TEXT NOT NULL DEFAULT '';
    ALTER TABLE commits ADD COLUMN committer_email TEXT NOT NULL DEFAULT '';
    ALTER TABLE commits ADD COLUMN mixed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE commits ADD COLUMN cls_without_sidecars TEXT;
    ALTER TABLE lines ADD COLUMN tool TEXT;
    ALTER TABLE lines ADD COLUMN source TEXT NOT NULL DEFAULT 'commit';
    CREATE INDEX lines_path ON lines (file, blob_sha, rev);
    """,
    # 3 (check, issue 5): a finding's confidence; a check run's summary (json: fail-on,
    # scope, notes, shard, mutation stats) and when it finished.
    """
    ALTER TABLE findings ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
    ALTER TABLE runs ADD COLUMN finished_at TEXT;
    ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';
    """,
    # 4 (code graph, issue 3): whole resolved graphs by content key (tree, extractor and
    # config), so an unchanged repository loads its graph without parsing or resolving.
    """
    CREATE TABLE graph_cache (
        key TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 5 (quizzes, issue 10): what a question shows and proves (code, source, evidence), when
    # it was made; an answer's own id (sync merges answers by it), the symbol it is about,
    # the choice given and the session; when a card was last reviewed.
    """
    ALTER TABLE questions ADD COLUMN code TEXT NOT NULL DEFAULT '';
    ALTER TABLE questions ADD COLUMN source TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE questions ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE questions ADD COLUMN language TEXT NOT NULL DEFAULT 'python';
    ALTER TABLE questions ADD COLUMN created_at TEXT;
    ALTER TABLE answers ADD COLUMN id TEXT;
    ALTER TABLE answers ADD COLUMN symbol TEXT;
    ALTER TABLE answers ADD COLUMN choice TEXT;
    ALTER TABLE answers ADD COLUMN session TEXT;
    CREATE UNIQUE INDEX answers_id ON answers (id);
    CREATE INDEX answers_person ON answers (person, symbol);
    ALTER TABLE cards ADD COLUMN updated_at TEXT;
    """,
    # 6 (team, issue 11): what FSRS made of each (person, symbol)'s answers, one blob, so the
    # team report replays only pairs with new answers.
    """
    CREATE TABLE recall_cache (
        key TEXT PRIMARY KEY,
        data BLOB NOT NULL
    );
    """,
    # 7 (LLM critic, issue 13): every model call of a run, answered or from the cache: the
    # model, the prompts' content hash, what was sent (its hash), tokens, cost, how many
    # secrets were redacted from it; spend per month reads this table.
    """
    CREATE TABLE llm_calls (
        run INTEGER REFERENCES runs (id),
        called_at TEXT NOT NULL,
        purpose TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        input_hash TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        cached INTEGER NOT NULL DEFAULT 0,
        redactions INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT 'ok'
    );
    CREATE INDEX llm_calls_run ON llm_calls (run);
    CREATE INDEX llm_calls_when ON llm_calls (called_at);
    """,
    # 8 (quiz speed, issue 10): facts a quiz plans with that hold for one commit (graph
    # ranks of the candidate targets, their AI shares), so a warm session does not redo them.
    """
    CREATE TABLE quiz_facts (
        key TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
