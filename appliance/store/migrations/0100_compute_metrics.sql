-- Compute monitor (issue 5, 算力监测): model throughput, queue and machine load as a time series.
-- The engine appends to <data_dir>/metrics/compute.jsonl (no writer-thread traffic while the model
-- runs); appliance.llm.metrics_store.ingest() copies new rows here. No patient data: tasks are
-- names like "triage", never content.
CREATE TABLE IF NOT EXISTS compute_metrics (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    ts                   REAL NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('request', 'sample')),
    model                TEXT,
    backend              TEXT,
    task                 TEXT,
    prompt_tokens        INTEGER,
    reused_prompt_tokens INTEGER,
    completion_tokens    INTEGER,
    prompt_tps           REAL,
    generation_tps       REAL,
    ttft_s               REAL,
    queue_wait_s         REAL,
    queue_depth          INTEGER,
    cpu_percent          REAL,
    load1                REAL,
    ram_used_mb          INTEGER,
    ram_total_mb         INTEGER,
    rss_mb               INTEGER,
    vram_used_mb         INTEGER,
    UNIQUE (ts, kind)
);
CREATE INDEX IF NOT EXISTS compute_metrics_ts ON compute_metrics (ts);
