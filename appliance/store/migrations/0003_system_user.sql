-- The built-in "system" account: the actor of CLI automation unlocked by the passphrase
-- (services.session.system_session). It cannot log in (disabled, no valid password hash) and
-- exists so that rows written by it can reference user(id).
INSERT OR IGNORE INTO user (id, username, display_name, role, password_hash, disabled, created_at)
VALUES ('system', 'system', 'system', 'admin', '!', 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
