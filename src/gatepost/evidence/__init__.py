"""Evidence: redaction, retention, role views, the stored Event and its hash chain."""
