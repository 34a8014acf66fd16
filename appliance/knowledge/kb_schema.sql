-- Knowledge base of the health assistant and decision support (issue 8).
-- Documents are split into heading-aware chunks; each chunk is indexed three ways:
-- jieba-segmented words (FTS5 unicode61), raw text (FTS5 trigram, substrings of 3+ chars)
-- and a dense vector per embedding model (float32 blob, L2-normalised).
CREATE TABLE IF NOT EXISTS kb_documents (
    id          INTEGER PRIMARY KEY,
    doc_key     TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    audience    TEXT NOT NULL DEFAULT 'patient' CHECK (audience IN ('patient', 'clinician')),
    source      TEXT NOT NULL DEFAULT '',
    filename    TEXT NOT NULL DEFAULT '',
    format      TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    builtin     INTEGER NOT NULL DEFAULT 0,
    added_at    TEXT NOT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS kb_chunks (
    id       INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    ordinal  INTEGER NOT NULL,
    section  TEXT NOT NULL,
    text     TEXT NOT NULL,
    words    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kb_chunks_doc ON kb_chunks (doc_id, ordinal);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts_words USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts_trigram USING fts5 (text, tokenize = 'trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts_vocab USING fts5vocab (kb_fts_words, 'row');
CREATE TABLE IF NOT EXISTS kb_vectors (
    chunk_id INTEGER NOT NULL REFERENCES kb_chunks (id) ON DELETE CASCADE,
    model    TEXT NOT NULL,
    vector   BLOB NOT NULL,
    PRIMARY KEY (chunk_id, model)
);
CREATE TABLE IF NOT EXISTS kb_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
